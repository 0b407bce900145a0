// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * Lesson 47 loader: register the minimal sched_ext scheduler (every normal
 * task then runs under it), show what the kernel says about it in
 * /sys/kernel/sched_ext, print how many tasks it dispatched once a second,
 * and on exit (Ctrl-C, -d, or the kernel throwing it out) print why it
 * stopped, like the ebpf-go sched_ext example.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf_version.h>
#include "feature.h"
#include "helpers.h"
#include "sched_ext.h"
#include "sched_ext.skel.h"

/* .struct_ops.link maps arrived in libbpf 1.2 (the .bpf.c checks too). */
#if LIBBPF_MAJOR_VERSION > 1 || LIBBPF_MINOR_VERSION >= 2
#define HAVE_STRUCT_OPS_LINK 1
#else
#define HAVE_STRUCT_OPS_LINK  0
/* uapi values (6.4) that Debian 12's <linux/bpf.h> lacks. */
#define LESSON_BPF_F_LINK     (1U << 13)
#define LESSON_BPF_STRUCT_OPS ((enum bpf_attach_type)44)
#endif

#define SCX_SYSFS "/sys/kernel/sched_ext"

static int watch_pid;
static long fail_after;

static const struct argp_option opts[] = {
	{ "pid", 'p', "PID", 0, "Also count the tasks of process PID" },
	{ "fail-after", 'f', "N", 0,
	  "Report an error (scx_bpf_error) at the Nth task: the kernel then disables the "
	  "scheduler" },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p':
		watch_pid = lesson_arg_pid(state, arg);
		break;
	case 'f':
		fail_after = lesson_arg_long(state, arg, "count", 1, 1000000000L);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = {
	.options = opts,
	.parser = parse_arg,
	.doc = "Run a minimal sched_ext scheduler (one global FIFO) and count the tasks it "
	       "dispatches.\v"
	       "Example: sched_ext -d 5",
	.children = lesson_argp_children,
};

/* The first line of a sysfs file, or "-" when it cannot be read. */
static const char *sysfs_line(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), SCX_SYSFS "/%s", name);
	f = fopen(path, "r");
	if (!f || !fgets(buf, (int)len, f)) {
		snprintf(buf, len, "-");
	} else {
		buf[strcspn(buf, "\n")] = '\0';
	}
	if (f)
		fclose(f);
	return buf;
}

static void show_sysfs(void)
{
	char buf[256];

	printf(SCX_SYSFS "/state: %s\n", sysfs_line("state", buf, sizeof(buf)));
	printf(SCX_SYSFS "/root/ops: %s\n", sysfs_line("root/ops", buf, sizeof(buf)));
}

static const char *exit_kind_str(long long kind)
{
	switch (kind) {
	case 1:
		return "DONE";
	case 64:
		return "UNREG (unregistered from user space)";
	case 65:
		return "UNREG_BPF";
	case 66:
		return "UNREG_KERN";
	case 67:
		return "SYSRQ";
	case 1024:
		return "ERROR";
	case 1025:
		return "ERROR_BPF (scx_bpf_error)";
	case 1026:
		return "ERROR_STALL (a task waited too long)";
	default:
		return "?";
	}
}

/*
 * Which name the running kernel gives the "put a task on a DSQ" kfunc
 * (6.13 renamed scx_bpf_dispatch to scx_bpf_dsq_insert): ask its BTF.
 * 1: dsq_insert, 0: dispatch, -1: neither.
 */
static int pick_insert_kfunc(void)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int r = -1;

	if (!vmlinux)
		return -1;
	if (btf__find_by_name_kind(vmlinux, "scx_bpf_dsq_insert", BTF_KIND_FUNC) > 0)
		r = 1;
	else if (btf__find_by_name_kind(vmlinux, "scx_bpf_dispatch", BTF_KIND_FUNC) > 0)
		r = 0;
	btf__free(vmlinux);
	return r;
}

int main(int argc, char **argv)
{
	struct sched_ext_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	volatile struct exit_record *rec;
	int err = 0, insert, link_fd = -1, i;
	enum feature_verdict v;
	char why[256], buf[256];

	lesson_init(argv[0]);
	err = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (err)
		return err;
	if (lesson_check_root() || lesson_check_btf())
		return 1;

	/* Ask the kernel (lesson 06): a CONFIG_SCHED_CLASS_EXT=n kernel has no sched_ext. */
	v = feature_probe("sched_ext", why, sizeof(why));
	if (v == FEATURE_UNSUPPORTED)
		return lesson_error("kernel lacks sched_ext: %s", why);
	if (v != FEATURE_SUPPORTED)
		return lesson_error("cannot tell whether the kernel has sched_ext: %s", why);
	/* One BPF scheduler at a time; the kernel would say EBUSY. */
	if (strcmp(sysfs_line("state", buf, sizeof(buf)), "disabled") != 0)
		return lesson_error("a sched_ext scheduler is already %s (%s)", buf,
				    sysfs_line("root/ops", why, sizeof(why)));
	insert = pick_insert_kfunc();
	if (insert < 0)
		return lesson_error(
			"kernel BTF has neither scx_bpf_dsq_insert nor scx_bpf_dispatch");

	skel = sched_ext_bpf__open();
	if (!skel)
		return lesson_fail(-errno, "opening BPF object");
	skel->rodata->use_dsq_insert = insert;
	skel->rodata->watch_tgid = watch_pid;
	skel->rodata->fail_after = fail_after;
#if !HAVE_STRUCT_OPS_LINK
	/* What ".struct_ops.link" does in libbpf 1.2+: a map meant for a link. */
	bpf_map__set_map_flags(skel->maps.minimal_sched,
			       bpf_map__map_flags(skel->maps.minimal_sched) | LESSON_BPF_F_LINK);
#endif
	err = sched_ext_bpf__load(skel);
	if (err) {
		err = lesson_fail(err, "loading BPF object");
		goto cleanup;
	}

	/* Go: link.AttachStructOps(link.StructOpsOptions{Map: objs.MinimalSched}) */
	link = bpf_map__attach_struct_ops(skel->maps.minimal_sched);
	if (!link) {
		err = lesson_fail(-errno, "registering minimal_sched");
		goto cleanup;
	}
#if !HAVE_STRUCT_OPS_LINK
	/*
	 * libbpf 1.1 only stored the ops in the map (a BPF_F_LINK map is not
	 * enabled by that); the link enables the scheduler and disables it when
	 * its fd closes, also when the loader is killed.
	 */
	link_fd = bpf_link_create(bpf_map__fd(skel->maps.minimal_sched), 0, LESSON_BPF_STRUCT_OPS,
				  NULL);
	if (link_fd < 0) {
		err = lesson_fail(link_fd, "enabling minimal_sched (BPF_LINK_CREATE)");
		goto cleanup;
	}
#endif
	printf("Scheduler %s enabled with %s (%s). Ctrl-C to stop.\n", "minimal",
	       insert ? "scx_bpf_dsq_insert" : "scx_bpf_dispatch",
	       HAVE_STRUCT_OPS_LINK ? "bpf_map__attach_struct_ops link"
				    : "struct_ops map + bpf_link_create");
	show_sysfs();
	fflush(stdout);

	rec = &skel->bss->exit_rec;
	while (!rec->kind && !lesson_should_stop()) {
		sleep(1);
		if (watch_pid)
			printf("Dispatched %llu tasks (PID %d: %llu)\n",
			       (unsigned long long)skel->bss->nr_dispatched, watch_pid,
			       (unsigned long long)skel->bss->nr_watched);
		else
			printf("Dispatched %llu tasks\n",
			       (unsigned long long)skel->bss->nr_dispatched);
		fflush(stdout);
	}

cleanup:
	/* Closing the link unregisters: the kernel runs ops.exit, then tasks go back to fair. */
	if (link_fd >= 0)
		close(link_fd);
	bpf_link__destroy(link);
	if (link && skel) {
		rec = &skel->bss->exit_rec;
		/* ops.exit ran before close returned; the error path disables asynchronously. */
		for (i = 0; i < 50 && (!rec->kind || strcmp(sysfs_line("state", buf, sizeof(buf)),
							    "disabled") != 0);
		     i++)
			usleep(100000);
		printf("Scheduler exited: kind %lld %s, reason \"%s\"%s%s%s\n", rec->kind,
		       exit_kind_str(rec->kind), rec->reason, rec->msg[0] ? ", message \"" : "",
		       rec->msg, rec->msg[0] ? "\"" : "");
		printf("Dispatched %llu tasks in all; tasks are back on the fair class.\n",
		       (unsigned long long)skel->bss->nr_dispatched);
		show_sysfs();
		if (!err && rec->kind >= 1024)
			err = lesson_error("the kernel disabled the scheduler: %s", rec->reason);
	}
	sched_ext_bpf__destroy(skel);
	return err;
}
