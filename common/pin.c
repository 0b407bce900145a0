// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/* bpffs pin directories for pinning loaders: see pin.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include "helpers.h"
#include "pin.h"

void lesson_pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

int lesson_pin_dir_prepare(const char *dir)
{
	bool created = mkdir(dir, 0700) == 0;
	struct statfs st;

	if (!created && errno != EEXIST)
		return lesson_error("cannot create %s: %s", dir, strerror(errno));
	if (statfs(dir, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	/* Leave no stray directory behind on the wrong filesystem. */
	if (created)
		rmdir(dir);
	return lesson_error("%s is not on a bpffs mount: pins only live in bpffs", dir);
}

int lesson_unpin(const char *dir, const char *const *names, size_t n)
{
	char path[PATH_MAX];
	int removed = 0;
	size_t i;

	/* Each unlink drops one reference; the last one frees the object. */
	for (i = 0; i < n; i++) {
		lesson_pin_path(path, sizeof(path), dir, names[i]);
		if (unlink(path) == 0) {
			printf("Removed %s\n", path);
			removed++;
		} else if (errno != ENOENT) {
			return lesson_error("cannot remove %s: %s", path, strerror(errno));
		}
	}
	if (rmdir(dir) && errno != ENOENT)
		return lesson_error("cannot remove %s: %s", dir, strerror(errno));
	if (!removed)
		printf("Nothing pinned in %s\n", dir);
	return 0;
}

/*
 * Each kind of object has its own info struct, and `id` sits at a different
 * offset in each (bpf_btf_info starts with a pointer), so ask the right one.
 * The fd's kind is its anon inode's name: "anon_inode:bpf-prog" etc.
 */
__u32 lesson_obj_id(int fd)
{
	char path[64], kind[64];
	union {
		struct bpf_prog_info prog;
		struct bpf_map_info map;
		struct bpf_link_info link;
		struct bpf_btf_info btf;
	} info;
	__u32 len;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, kind, sizeof(kind) - 1);
	if (n < 0)
		return 0;
	kind[n] = '\0';
	memset(&info, 0, sizeof(info));
	if (!strcmp(kind, "anon_inode:bpf-prog")) {
		len = sizeof(info.prog);
		return bpf_obj_get_info_by_fd(fd, &info.prog, &len) ? 0 : info.prog.id;
	}
	if (!strcmp(kind, "anon_inode:bpf-map")) {
		len = sizeof(info.map);
		return bpf_obj_get_info_by_fd(fd, &info.map, &len) ? 0 : info.map.id;
	}
	if (!strcmp(kind, "anon_inode:bpf_link")) {
		len = sizeof(info.link);
		return bpf_obj_get_info_by_fd(fd, &info.link, &len) ? 0 : info.link.id;
	}
	if (!strcmp(kind, "anon_inode:btf")) {
		len = sizeof(info.btf);
		return bpf_obj_get_info_by_fd(fd, &info.btf, &len) ? 0 : info.btf.id;
	}
	return 0;
}
