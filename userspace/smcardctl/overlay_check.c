// SPDX-License-Identifier: GPL-2.0
/*
 * smcardctl overlay: validation of a compiled overlay against the card's
 * DT bindings with dt-schema, where it is installed. dt-validate checks
 * whole trees, so the overlay is applied (fdtoverlay) to a minimal board
 * that provides the expansion slot's labels and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "overlay.h"

static const char slot_board[] =
	"/dts-v1/;\n"
	"\n"
	"/ {\n"
	"\t#address-cells = <1>;\n"
	"\t#size-cells = <1>;\n"
	"\tmodel = \"Expansion slot of the Smart Metering Expansion Card\";\n"
	"\tcompatible = \"option,smcard-slot\";\n"
	"\n"
	"\tsmcard_slot_irq: interrupt-controller {\n"
	"\t\tinterrupt-controller;\n"
	"\t\t#interrupt-cells = <2>;\n"
	"\t};\n"
	"\n"
	"\tsmcard_slot_i2c: i2c {\n"
	"\t\t#address-cells = <1>;\n"
	"\t\t#size-cells = <0>;\n"
	"\t};\n"
	"\n"
	"\tsmcard_slot_uart_serial: serial-0 {\n"
	"\t\tstatus = \"disabled\";\n"
	"\t};\n"
	"\n"
	"\tsmcard_slot_uart_mbus: serial-1 {\n"
	"\t\tstatus = \"disabled\";\n"
	"\t};\n"
	"\n"
	"\tsmcard_slot_uart_p1: serial-2 {\n"
	"\t\tstatus = \"disabled\";\n"
	"\t};\n"
	"};\n";

bool ovl_have_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, name);
		if (access(buf, X_OK) == 0)
			return true;
		path += len;
		if (*path == ':')
			path++;
	}
	return false;
}

int ovl_run(char *const argv[], const char *out_path, bool with_stderr)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out_path) {
			int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
			    (with_stderr && dup2(fd, STDERR_FILENO) < 0))
				_exit(127);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(text, f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

/* Print the findings of dt-validate (on stderr; it exits 0 with findings). */
static int print_findings(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n')
			continue;
		fprintf(stderr, "  %s", line);
		n++;
	}
	fclose(f);
	return n;
}

int ovl_validate(const char *dtbo, const char *bindings, char *err)
{
	static const char *const tools[] = { "dtc", "fdtoverlay", "dt-mk-schema",
					     "dt-validate" };
	char dir[] = "/tmp/smcardctl-overlay.XXXXXX";
	char base_dts[64], base_dtb[64], merged[64], schema[64], out[64];
	int ret = -1, n;

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!ovl_have_program(tools[i])) {
			snprintf(err, OVL_ERR_MAX, "%s is not installed (Debian: %s)",
				 tools[i], i < 2 ? "device-tree-compiler" : "dt-schema");
			return -1;
		}
	if (!mkdtemp(dir)) {
		snprintf(err, OVL_ERR_MAX, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	snprintf(base_dts, sizeof(base_dts), "%s/slot.dts", dir);
	snprintf(base_dtb, sizeof(base_dtb), "%s/slot.dtb", dir);
	snprintf(merged, sizeof(merged), "%s/merged.dtb", dir);
	snprintf(schema, sizeof(schema), "%s/schema.json", dir);
	snprintf(out, sizeof(out), "%s/findings", dir);

	char *dtc[] = { "dtc", "-q", "-@", "-I", "dts", "-O", "dtb", "-o", base_dtb,
			base_dts, NULL };
	char *apply[] = { "fdtoverlay", "-i", base_dtb, "-o", merged,
			  (char *)dtbo, NULL };
	char *mk[] = { "dt-mk-schema", "-j", (char *)bindings, NULL };
	char *val[] = { "dt-validate", "-s", schema, merged, NULL };

	if (write_file(base_dts, slot_board) || ovl_run(dtc, NULL, false)) {
		snprintf(err, OVL_ERR_MAX, "cannot build the slot board for validation");
	} else if (ovl_run(apply, NULL, false)) {
		/* The overlay does not apply: that is a finding. */
		fprintf(stderr, "  fdtoverlay cannot apply %s to a board with the slot's labels\n",
			dtbo);
		ret = 0;
	} else if (ovl_run(mk, schema, false)) {
		snprintf(err, OVL_ERR_MAX, "dt-mk-schema failed on %s", bindings);
	} else if (ovl_run(val, out, true) < 0) {
		snprintf(err, OVL_ERR_MAX, "dt-validate failed to run");
	} else {
		n = print_findings(out);
		ret = n < 0 ? -1 : n == 0;
		if (n < 0)
			snprintf(err, OVL_ERR_MAX, "cannot read dt-validate's output");
	}
	unlink(base_dts);
	unlink(base_dtb);
	unlink(merged);
	unlink(schema);
	unlink(out);
	rmdir(dir);
	return ret;
}
