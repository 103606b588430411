// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl overlay: write the card's device-tree overlay from a short
 * description, compile it with dtc, validate it with dt-schema where they
 * are installed, and say where the boot loader expects it.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "overlay.h"
#include "smcardctl.h"

#define BINDING_PROBE "mfd/option,smcard-ioc.yaml"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smcardctl overlay [OPTIONS] SETTING...\n"
		"       smcardctl overlay [OPTIONS] -f FILE\n"
		"       smcardctl overlay [OPTIONS] --from OVERLAY.dtso\n\n"
		"Writes the card's device-tree overlay. Settings:\n"
		"  ioN=FUNCTION[,debounce=TIME][,label=TEXT]\n"
		"        pin IO1..IO5; pins not named are disabled. TIME (e.g. 30ms,\n"
		"        500us) is the input filter of s0 and digital-in pins, in steps\n"
		"        of 100 us; label (last, may contain commas) names what is\n"
		"        connected and must differ between pins\n"
		"  i2c=SENSOR[@ADDRESS]\n"
		"        a sensor on the card's I2C connector\n\n"
		"functions:\n");
	for (int i = 0; i < OVL_FUNC_COUNT; i++) {
		fprintf(f, "  %-12s %s", ovl_funcs[i].name, ovl_funcs[i].what);
		for (int j = 0; j < 4 && ovl_funcs[i].aliases[j]; j++)
			fprintf(f, "%s%s", j ? ", " : " (also ", ovl_funcs[i].aliases[j]);
		fputs(ovl_funcs[i].aliases[0] ? ")\n" : "\n", f);
	}
	fprintf(f, "\nsensors (or a compatible: vendor,device@ADDRESS):\n");
	ovl_print_sensors(f);
	fprintf(f,
		"\noptions:\n"
		"  -o, --output FILE   the overlay source (.dtso); default stdout\n"
		"  -f, --file FILE     settings from FILE, one a line, '#' comments\n"
		"      --from FILE     the description in the header of an overlay\n"
		"                      written by this command\n"
		"      --dtbo FILE     the compiled overlay (default: --output with\n"
		"                      .dtbo, when dtc is installed)\n"
		"      --no-dtbo       do not compile\n"
		"      --bindings DIR  DT bindings to validate against (default:\n"
		"                      $SMCARD_BINDINGS, /usr/share/smcard/bindings, or\n"
		"                      the source tree's); needs dt-schema\n"
		"      --no-validate   do not validate\n"
		"      --json          a summary as JSON on stdout (needs --output)\n\n"
		"example:\n"
		"  smcardctl overlay -o smcard.dtso io1=s0,label=energy io2=current \\\n"
		"      io3=voltage io4=digital-in,debounce=20ms io5=open-drain,label=valve \\\n"
		"      i2c=hdc1080@0x40\n");
}

static int read_settings(struct ovl_desc *d, const char *path, char *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[256];
	int n = 0, ret = 0;

	if (!f) {
		snprintf(err, OVL_ERR_MAX, "%s: %m", path);
		return -1;
	}
	while (!ret && fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, OVL_ERR_MAX, "%s:%d: line too long", path, n);
			ret = -1;
			break;
		}
		s[strcspn(s, "#\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*s)
			continue;
		if (ovl_parse_setting(d, s, err)) {
			char msg[OVL_ERR_MAX];

			snprintf(msg, sizeof(msg), "%s:%d: %s", path, n, err);
			strcpy(err, msg);
			ret = -1;
		}
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

static int read_header(struct ovl_desc *d, const char *path, char *err)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		snprintf(err, OVL_ERR_MAX, "%s: %m", path);
		return -1;
	}
	ret = ovl_parse_dts_header(d, f, err);
	fclose(f);
	if (ret) {
		char msg[OVL_ERR_MAX];

		snprintf(msg, sizeof(msg), "%s: %s", path, err);
		strcpy(err, msg);
	}
	return ret;
}

static bool is_dir_with_bindings(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/" BINDING_PROBE, dir) >= (int)sizeof(path))
		return false;
	return access(path, R_OK) == 0;
}

/* The bindings: option, environment, package, or the source tree above
 * this program (build/userspace/host/bin/smcardctl). */
static const char *find_bindings(const char *opt, char *buf, size_t len)
{
	const char *env = getenv("SMCARD_BINDINGS");
	char exe[PATH_MAX];
	ssize_t n;

	if (opt)
		return opt;
	if (env && *env)
		return env;
	if (is_dir_with_bindings("/usr/share/smcard/bindings"))
		return "/usr/share/smcard/bindings";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (char *slash; (slash = strrchr(exe, '/')) && slash != exe;) {
		*slash = '\0';
		if (snprintf(buf, len, "%s/Documentation/devicetree/bindings",
			     exe) >= (int)len)
			continue;
		if (is_dir_with_bindings(buf))
			return buf;
	}
	return NULL;
}

static void install_hints(const char *dtbo)
{
	const char *base = strrchr(dtbo, '/');
	char name[128];
	size_t len;

	base = base ? base + 1 : dtbo;
	len = strcspn(base, ".");
	snprintf(name, sizeof(name), "%.*s", (int)len, base);
	fprintf(stderr,
		"\nInstall it where the boot loader applies it before the kernel starts\n"
		"(the M-Bus port needs its node when the UART registers):\n"
		"  Raspberry Pi firmware: copy %s to /boot/firmware/overlays/ (older\n"
		"      systems: /boot/overlays/) and add 'dtoverlay=%s' to config.txt\n"
		"  U-Boot extlinux: copy %s to /boot/overlays/ and add\n"
		"      'fdtoverlays /boot/overlays/%s' to the boot label in\n"
		"      /boot/extlinux/extlinux.conf\n"
		"  any other boot loader: merge it into the board's DTB once:\n"
		"      fdtoverlay -i BOARD.dtb -o BOARD-smcard.dtb %s\n",
		base, name, base, base, base);
	static const char *const found[] = { "/boot/firmware/config.txt",
		"/boot/config.txt", "/boot/extlinux/extlinux.conf" };
	for (size_t i = 0; i < sizeof(found) / sizeof(found[0]); i++)
		if (access(found[i], F_OK) == 0)
			fprintf(stderr, "This system has %s.\n", found[i]);
}

static void print_json(const struct ovl_desc *d, const char *dtso,
		       const char *dtbo, int valid)
{
	json_object *o = json_object_new_object(), *pins = json_object_new_array();
	json_object *i2c = json_object_new_array();

	json_object_object_add(o, "dtso", json_object_new_string(dtso));
	json_object_object_add(o, "dtbo", dtbo ? json_object_new_string(dtbo) : NULL);
	json_object_object_add(o, "validated",
			       valid < 0 ? NULL : json_object_new_boolean(valid));
	for (int i = 0; i < OVL_PINS; i++) {
		const struct ovl_pin *p = &d->pins[i];
		json_object *pin = json_object_new_object();
		char def[8];

		snprintf(def, sizeof(def), "IO%d", i + 1);
		json_object_object_add(pin, "pin", json_object_new_int(i + 1));
		json_object_object_add(pin, "function", json_object_new_string(
			ovl_funcs[p->set ? p->func : OVL_FUNC_DISABLED].name));
		json_object_object_add(pin, "label", json_object_new_string(
			p->label[0] ? p->label : def));
		if (p->has_debounce)
			json_object_object_add(pin, "debounce_us",
					       json_object_new_int64(p->debounce_us));
		json_object_array_add(pins, pin);
	}
	json_object_object_add(o, "pins", pins);
	for (size_t i = 0; i < d->nsensors; i++) {
		json_object *s = json_object_new_object();

		json_object_object_add(s, "sensor", json_object_new_string(d->sensors[i].name));
		json_object_object_add(s, "compatible",
				       json_object_new_string(d->sensors[i].compatible));
		json_object_object_add(s, "address", json_object_new_int(d->sensors[i].addr));
		json_object_array_add(i2c, s);
	}
	json_object_object_add(o, "i2c", i2c);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* FILE.dtso -> FILE.dtbo */
static void dtbo_path(const char *dtso, char *buf, size_t len)
{
	size_t n = strlen(dtso);

	if (n > 5 && !strcmp(dtso + n - 5, ".dtso"))
		n -= 5;
	snprintf(buf, len, "%.*s.dtbo", (int)n, dtso);
}

int cmd_overlay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "file", required_argument, NULL, 'f' },
		{ "from", required_argument, NULL, 'F' },
		{ "dtbo", required_argument, NULL, 'b' },
		{ "no-dtbo", no_argument, NULL, 'B' },
		{ "bindings", required_argument, NULL, 'd' },
		{ "no-validate", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *output = NULL, *dtbo = NULL, *bindings_opt = NULL, *bindings;
	bool no_dtbo = false, no_validate = false, json = false, any = false;
	char err[OVL_ERR_MAX], dtbo_buf[PATH_MAX], bind_buf[PATH_MAX];
	struct ovl_desc d;
	int c, valid = -1;
	FILE *out;

	memset(&d, 0, sizeof(d));
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = strcmp(optarg, "-") ? optarg : NULL;
			break;
		case 'f':
		case 'F':
			if ((c == 'f' ? read_settings : read_header)(&d, optarg, err))
				goto bad;
			any = true;
			break;
		case 'b':
			dtbo = optarg;
			break;
		case 'B':
			no_dtbo = true;
			break;
		case 'd':
			bindings_opt = optarg;
			break;
		case 'V':
			no_validate = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (ovl_parse_setting(&d, argv[i], err))
			goto bad;
		any = true;
	}
	if (!any) {
		fprintf(stderr, "smcardctl overlay: no settings (e.g. io1=s0 io2=current)\n\n");
		usage(stderr);
		return 2;
	}
	if (ovl_check(&d, err))
		goto bad;
	if ((dtbo || json) && !output) {
		fprintf(stderr, "smcardctl overlay: --dtbo and --json need --output FILE\n");
		return 2;
	}

	out = output ? fopen(output, "w") : stdout;
	if (!out) {
		fprintf(stderr, "smcardctl overlay: %s: %m\n", output);
		return 1;
	}
	if (ovl_write_dts(&d, out) || (output && fclose(out))) {
		fprintf(stderr, "smcardctl overlay: writing %s failed\n",
			output ? output : "stdout");
		return 1;
	}
	if (!output)
		return fflush(stdout) ? 1 : 0;

	if (!dtbo && !no_dtbo && ovl_have_program("dtc")) {
		dtbo_path(output, dtbo_buf, sizeof(dtbo_buf));
		dtbo = dtbo_buf;
	}
	if (!dtbo) {
		fprintf(stderr, "Wrote %s. %s\n", output, no_dtbo ? "" :
			"dtc is not installed (Debian: device-tree-compiler): compile it with\n"
			"  dtc -@ -I dts -O dtb -o smcard.dtbo SOURCE.dtso");
	} else {
		char *dtc[] = { "dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o",
				(char *)dtbo, (char *)output, NULL };

		if (ovl_run(dtc, NULL, false)) {
			fprintf(stderr, "smcardctl overlay: dtc could not compile %s\n", output);
			return 1;
		}
		fprintf(stderr, "Wrote %s and %s.\n", output, dtbo);
		bindings = find_bindings(bindings_opt, bind_buf, sizeof(bind_buf));
		if (no_validate) {
			;
		} else if (!bindings || !is_dir_with_bindings(bindings)) {
			fprintf(stderr, "Not validated: the card's DT bindings were not found (--bindings DIR).\n");
		} else {
			valid = ovl_validate(dtbo, bindings, err);
			if (valid < 0)
				fprintf(stderr, "Not validated: %s.\n", err);
			else if (valid)
				fprintf(stderr, "Valid against the bindings in %s.\n", bindings);
			else
				fprintf(stderr, "smcardctl overlay: %s does not match the bindings in %s (findings above)\n",
					dtbo, bindings);
		}
		if (valid != 0)
			install_hints(dtbo);
	}
	if (json)
		print_json(&d, output, dtbo, valid);
	return valid == 0 ? 1 : 0;

bad:
	fprintf(stderr, "smcardctl overlay: %s\n", err);
	return 2;
}
