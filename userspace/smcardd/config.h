/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcardd configuration: the INI file (libinih) parsed into plain structs.
 * Every problem is reported as "FILE:LINE: message" with a hint; parsing
 * goes on after an error so that one run shows them all. No I/O besides
 * reading the file, no global state.
 */
#ifndef SMCARDD_CONFIG_H
#define SMCARDD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "modbus_regs.h"

#define SD_NAME_MAX	48
#define SD_PATH_MAX	256
#define SD_UNIT_MAX	16
#define SD_CLASS_MAX	32

enum sd_log_level { SD_LOG_ERR, SD_LOG_WARN, SD_LOG_INFO, SD_LOG_DEBUG };

struct sd_general {
	char name[SD_NAME_MAX];		/* device name in topics and HA */
	enum sd_log_level log_level;
	bool syslog;
};

struct sd_mqtt {
	bool enabled;
	unsigned int line;
	char host[SD_PATH_MAX];
	int port;
	char client_id[SD_NAME_MAX * 2];
	char username[SD_NAME_MAX * 2];
	char password[SD_NAME_MAX * 2];
	bool tls;
	char cafile[SD_PATH_MAX];
	char capath[SD_PATH_MAX];
	char certfile[SD_PATH_MAX];
	char keyfile[SD_PATH_MAX];
	bool tls_insecure;
	char topic_prefix[SD_NAME_MAX * 2];
	int qos;
	bool retain;
	int keepalive;
	bool discovery;
	char discovery_prefix[SD_NAME_MAX * 2];
	int max_inflight;
};

struct sd_jsonl {
	bool enabled;
	char path[SD_PATH_MAX];		/* "-" is stdout */
};

struct sd_spool {
	char path[SD_PATH_MAX];
	long max_rows;			/* cap on queued readings, 0 = none */
	char full_policy[16];		/* at the cap: drop-oldest or drop-newest */
	double sync_interval;		/* seconds between syncs of the spool */
};

struct sd_p1 {
	bool enabled;
	unsigned int line;
	char device[SD_PATH_MAX];
	char gpiochip[SD_PATH_MAX];	/* empty: find the line on any chip */
	char request_line[SD_NAME_MAX];	/* empty: request pin tied, no GPIO */
	bool dsmr22;
	bool has_key;
	uint8_t key[16];
	double interval;		/* minimum seconds between readings */
	double timeout;			/* no telegram for this long: reopen */
	char timezone[64];		/* the meter's: IANA name or POSIX TZ */
	char include[512];		/* patterns to publish, empty: all */
	char exclude[512];		/* patterns not to publish */
};

enum sd_mb_transport { SD_MB_TCP, SD_MB_RTU };
enum sd_mb_fn { SD_MB_HOLDING, SD_MB_INPUT, SD_MB_COIL, SD_MB_DISCRETE };

struct sd_mb_register {
	char name[SD_NAME_MAX];
	unsigned int line;
	enum sd_mb_fn fn;
	uint16_t address;
	enum mbreg_type type;
	enum mbreg_order order;
	double scale;
	double offset;
	char unit[SD_UNIT_MAX];
	char device_class[SD_CLASS_MAX];
	char state_class[SD_CLASS_MAX];
};

struct sd_mb_meter {
	char name[SD_NAME_MAX];
	unsigned int line;
	enum sd_mb_transport transport;
	bool has_transport;
	char host[SD_PATH_MAX];
	int port;
	char device[SD_PATH_MAX];
	int baud;
	char parity;			/* 'N', 'E', 'O' */
	int data_bits;
	int stop_bits;
	char serial_mode[SD_CLASS_MAX];	/* empty: leave the transceiver */
	int termination;		/* -1: leave it */
	char knob_dir[SD_PATH_MAX];	/* where serial_mode lives, or empty */
	int slave;
	double interval;
	int timeout_ms;
	enum mbreg_order order;		/* default for the registers */
	struct sd_mb_register *regs;
	size_t nregs;
};

struct sd_analog {
	char name[SD_NAME_MAX];
	unsigned int line;
	char device[SD_NAME_MAX];	/* IIO device name */
	char channel[SD_NAME_MAX];	/* "voltage1", "current2" or a label */
	int pin;			/* 1..5 instead of channel, 0 unset */
	double interval;
	bool has_scale, has_map;
	double scale, offset;
	double map[4];			/* in_lo out_lo in_hi out_hi */
	bool clamp;
	char unit[SD_UNIT_MAX];
	char device_class[SD_CLASS_MAX];
	char state_class[SD_CLASS_MAX];
	/* alarms from the driver's threshold events (alarms.c) */
	bool range_alarm;		/* NAMUR NE43 on 4-20 mA, > 10 V on 0-10 V */
	bool has_alarm_low, has_alarm_high;
	double alarm_low, alarm_high;	/* in the published unit */
	double alarm_hysteresis;
};

struct sd_counter {
	char name[SD_NAME_MAX];
	unsigned int line;
	char device[SD_PATH_MAX];	/* /dev/counterN, counterN or its name */
	int count;			/* Count id on that device */
	double weight;			/* units per pulse */
	bool has_weight;
	double initial;			/* meter reading when first seen */
	double interval;
	char unit[SD_UNIT_MAX];
	char device_class[SD_CLASS_MAX];
	char state_class[SD_CLASS_MAX];
};

struct sd_digital {
	char name[SD_NAME_MAX];
	unsigned int line;
	char gpiochip[SD_PATH_MAX];
	char gpio[SD_NAME_MAX];		/* line name (IO3, a DT label) */
	bool active_low;
	int debounce_ms;
	char bias[SD_CLASS_MAX];	/* "", pull-up, pull-down, disabled */
	char device_class[SD_CLASS_MAX];
	double interval;		/* periodic re-publish, 0 = edges only */
	char alarm[8];			/* "on"/"off": the state that is an alarm */
};

struct sd_output {
	char name[SD_NAME_MAX];
	unsigned int line;
	char gpiochip[SD_PATH_MAX];
	char gpio[SD_NAME_MAX];
	bool active_low;
	bool open_drain;
	int initial;			/* 0 / 1 */
	double interval;
};

enum sd_mbus_scan { SD_MBUS_SCAN_NONE, SD_MBUS_SCAN_PRIMARY, SD_MBUS_SCAN_SECONDARY };

/* [mbus]: the card's M-Bus master, through the kernel's mbus netlink family */
struct sd_mbus {
	bool enabled;
	unsigned int line;
	char bus[16];			/* bus name, empty: the only bus */
	bool power;			/* switch the master supply on at start */
	int baud;			/* 0: leave the bus rate alone */
	enum sd_mbus_scan scan;		/* discovery at start */
	double scan_interval;		/* repeat the discovery, 0: only at start */
	double interval;		/* default for meters and those found */
	int retries;			/* repeats of a request that times out */
	int timeout_extra_ms;		/* on top of the EN 13757-2 reply window */
	int max_telegrams;		/* multi-telegram answers */
};

/* [mbus.meter NAME]: one meter on the poll list */
struct sd_mbus_meter {
	char name[SD_NAME_MAX];
	unsigned int line;
	char address[24];		/* "5" or 16 hex digits (secondary) */
	double interval;		/* 0: [mbus] interval */
	char device_class[SD_CLASS_MAX];/* for volumes: water or gas; empty: by medium */
	bool has_key;			/* OMS security mode 5 or 7 */
	uint8_t key[16];
};

/* [mbus.slave]: the card answers an external M-Bus master as a meter */
struct sd_mbus_slave {
	bool enabled;
	unsigned int line;
	char bus[16];			/* bus name, empty: the only bus */
	int primary_address;		/* 0..250; one set by the master is kept */
	char id[16];			/* identification number, 1..8 digits */
	char manufacturer[8];		/* three letters */
	int version;			/* 0..255 */
	char medium[SD_NAME_MAX];	/* name (mbus_medium_name) or number */
	int baud;			/* line rate at start */
	char report[512];		/* "KIND/NAME, ..., time"; empty: all */
};

/* [modbus.server] map = ADDRESS SUB KEY [type=T] [order=O] [scale=X] */
struct sd_mbsrv_map {
	unsigned int line;
	uint16_t address;
	char sub[96];			/* topic below BASE, e.g. analog/pressure */
	char key[SD_NAME_MAX];		/* JSON member, e.g. value */
	enum mbreg_type type;
	enum mbreg_order order;
	double scale;
	bool has_type, has_order, has_scale;	/* else the server's */
};

/* [modbus.server]: the readings as registers for a BMS (modbus_server.c) */
struct sd_mbsrv {
	bool enabled;
	unsigned int line;
	char listen[SD_NAME_MAX];	/* address to bind, default 127.0.0.1 */
	int port;
	int unit_id;
	enum mbreg_type type;		/* float32, int32 or uint32 */
	enum mbreg_order order;
	double scale;			/* register = value * scale */
	bool auto_map;			/* every reading gets a slot */
	bool allow_write;		/* outputs as coils */
	char allow[512];		/* clients that may connect, empty: any */
	char write_allow[512];		/* clients that may write, empty: allow */
	int max_clients;
	double idle_timeout;
	char map_file[SD_PATH_MAX];	/* the map as 'map' lines, or empty */
	struct sd_mbsrv_map *map;
	size_t nmap;
};

/* [rule NAME]: an alarm or a digital input sets an output (rules.c) */
struct sd_rule {
	char name[SD_NAME_MAX];
	unsigned int line;
	char when[128];			/* as written, for messages */
	char kind[16];			/* analog or digital */
	char source[SD_NAME_MAX];
	char state[16];			/* an alarm name, "alarm", "on" or "off" */
	char output[SD_NAME_MAX];
	bool set_on;
	bool has_then;
	bool restore;			/* opposite state when the condition ends */
};

/* [iio NAME]: any IIO device's input channels (src_iiodev.c) */
struct sd_iiodev {
	char name[SD_NAME_MAX];
	unsigned int line;
	char device[SD_NAME_MAX];	/* name, label or iio:deviceN */
	char channels[256];		/* channel ids, empty: every input */
	double interval;
};

struct sd_status {
	bool enabled;
	double interval;
	char sysfs[SD_PATH_MAX];	/* card core device dir, empty: search */
};

/* [http]: the web page, JSON API and Prometheus metrics */
struct sd_http {
	bool enabled;
	unsigned int line;
	char listen[64];		/* numeric address, default 127.0.0.1 */
	int port;
	char certfile[SD_PATH_MAX];	/* both set: HTTPS */
	char keyfile[SD_PATH_MAX];
	char token[128];		/* bearer token */
	char username[SD_NAME_MAX];	/* basic auth */
	char password[128];
	bool read_only;			/* no: outputs can be set (needs auth) */
	int max_connections;
};

/* A checksum of each section's keys and values, to see what a reload changes. */
struct sd_section_sum {
	char head[SD_NAME_MAX * 2];	/* "kind" or "kind NAME" */
	uint64_t sum;
};

struct sd_config {
	char file[SD_PATH_MAX];
	struct sd_general general;
	struct sd_mqtt mqtt;
	struct sd_jsonl jsonl;
	struct sd_spool spool;
	struct sd_p1 p1;
	struct sd_status status;
	struct sd_mb_meter *modbus;
	size_t nmodbus;
	struct sd_analog *analog;
	size_t nanalog;
	struct sd_counter *counter;
	size_t ncounter;
	struct sd_digital *digital;
	size_t ndigital;
	struct sd_output *output;
	size_t noutput;
	struct sd_mbus mbus;
	struct sd_mbus_meter *mbus_meter;
	size_t nmbus_meter;
	struct sd_mbus_slave mbus_slave;
	struct sd_mbsrv mbsrv;
	struct sd_rule *rule;
	size_t nrule;
	struct sd_iiodev *iiodev;
	size_t niiodev;
	struct sd_http http;
	/* "FILE:LINE: message" per problem */
	char **errors;
	size_t nerrors;
	struct sd_section_sum *sums;
	size_t nsums;
};

/*
 * Parse @f (named @file in messages). Returns 0, -EINVAL when the file has
 * errors (cfg->errors lists them) or -ENOMEM. @cfg must be released with
 * sd_config_free() either way.
 */
int sd_config_parse(struct sd_config *cfg, FILE *f, const char *file);
/* Same for a file path; a missing file is one error "cannot open". */
int sd_config_load(struct sd_config *cfg, const char *path);
/* Same for a string (tests). */
int sd_config_parse_string(struct sd_config *cfg, const char *text,
			   const char *file);
void sd_config_free(struct sd_config *cfg);

/*
 * Checksum of what configures the source @kind/@name: the section
 * "[kind name]" when there is one, else every section whose kind is @kind
 * or starts with "@kind." (e.g. mbus: [mbus], [mbus.meter ...], [mbus.slave]).
 * Equal checksums in two configurations: the source can keep running.
 */
uint64_t sd_config_fingerprint(const struct sd_config *cfg, const char *kind,
			       const char *name);

/* Whether any source is configured. */
bool sd_config_has_sources(const struct sd_config *cfg);

/* Parsers shared with the daemon; 0 or -1. */
int sd_parse_bool(const char *s, bool *out);
int sd_parse_duration(const char *s, double *seconds);

const char *sd_mbus_scan_name(enum sd_mbus_scan s);
const char *sd_mb_type_name(enum mbreg_type t);
const char *sd_mb_fn_name(enum sd_mb_fn f);

#endif
