// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "libpath.h"

bool lesson_lib_of_pid(pid_t pid, const char *const prefixes[], char *path, size_t len)
{
	char maps[64], line[4096], *p, *base;
	const char *const *pre;
	bool found = false;
	FILE *f;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", pid);
	f = fopen(maps, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		p = strchr(line, '/');
		if (!p)
			continue;
		p[strcspn(p, "\n")] = 0;
		base = strrchr(p, '/') + 1;
		for (pre = prefixes; *pre && strncmp(base, *pre, strlen(*pre)) != 0; pre++)
			;
		if (!*pre)
			continue;
		if (access(p, R_OK))
			snprintf(path, len, "/proc/%d/root%s", pid, p);
		else
			snprintf(path, len, "%s", p);
		found = true;
	}
	fclose(f);
	return found;
}

/* The first bytes of an ELF header: class (32/64-bit) and e_machine. */
static bool elf_id(const char *path, unsigned char id[20])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, id, 20) == 20 && !memcmp(id, ELFMAG, SELFMAG);
	close(fd);
	return ok;
}

/* A library our own process could load: same ELF class and machine. */
static bool our_arch(const char *path)
{
	unsigned char self[20], lib[20];

	if (!elf_id("/proc/self/exe", self) || !elf_id(path, lib))
		return false;
	/* e_machine sits at byte 18 in both ELF32 and ELF64 headers. */
	return self[EI_CLASS] == lib[EI_CLASS] && !memcmp(self + 18, lib + 18, 2);
}

static bool lib_of_ldconfig(const char *soname, char *path, size_t len)
{
	size_t n = strlen(soname);
	char line[4096], *p;
	bool found = false;
	FILE *f;

	/* Not always on a user's PATH: /sbin as a fallback. */
	f = popen("ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null", "r");
	if (!f)
		return false;
	/* "\tlibssl.so.3 (libc6,x86-64) => /lib/x86_64-linux-gnu/libssl.so.3" */
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " \t");
		if (found || strncmp(p, soname, n) != 0 || strncmp(p + n, " (", 2) != 0)
			continue;
		p = strstr(p, "=> ");
		if (!p)
			continue;
		p += 3;
		p[strcspn(p, "\n")] = 0;
		/* A multiarch system lists other architectures' copies too. */
		if (our_arch(p)) {
			snprintf(path, len, "%s", p);
			found = true;
		}
	}
	pclose(f);
	return found;
}

const char *lesson_lib_of_system(const char *soname, char *path, size_t len)
{
	const char *dirs[] = { "/lib/%s-linux-gnu", "/usr/lib64", "/usr/lib" };
	char dir[64];
	struct utsname u;
	size_t i;

	if (lib_of_ldconfig(soname, path, len))
		return "from ldconfig -p";
	uname(&u);
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(dir, sizeof(dir), dirs[i], u.machine);
		snprintf(path, len, "%s/%s", dir, soname);
		if (our_arch(path))
			return "default path";
	}
	return NULL;
}
