// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elfutils/libdwfl.h>
#include "sym.h"

struct ksym {
	unsigned long addr;
	char *name;
	char *module; /* "[ext4]" or NULL for vmlinux */
};

struct lesson_syms {
	Dwfl *dwfl;	    /* a process */
	struct ksym *ksyms; /* or the kernel, sorted by address */
	size_t nr_ksyms;
};

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Lines are "ffffffff81000000 T _stext" or "... t ext4_fill_super\t[ext4]". */
static struct lesson_syms *kernel_syms(void)
{
	struct lesson_syms *syms = calloc(1, sizeof(*syms));
	char *line = NULL, name[256], module[128], type;
	size_t cap = 0, alloc = 0;
	unsigned long addr;
	FILE *f;
	int n;

	if (!syms)
		return NULL;
	f = fopen("/proc/kallsyms", "re");
	if (!f) {
		free(syms);
		return NULL;
	}
	while (getline(&line, &cap, f) > 0) {
		module[0] = '\0';
		/* The kernel's own fixed format; n counts the fields converted. */
		/* NOLINTNEXTLINE(cert-err34-c) */
		n = sscanf(line, "%lx %c %255s %127s", &addr, &type, name, module);
		/* Only code: stacks hold return addresses.  Unprivileged readers see 0s. */
		if (n < 3 || !addr || (type != 't' && type != 'T' && type != 'w' && type != 'W'))
			continue;
		if (syms->nr_ksyms == alloc) {
			struct ksym *grown;

			alloc = alloc ? alloc * 2 : 65536;
			grown = realloc(syms->ksyms, alloc * sizeof(*grown));
			if (!grown)
				goto fail;
			syms->ksyms = grown;
		}
		syms->ksyms[syms->nr_ksyms++] = (struct ksym){
			.addr = addr,
			.name = strdup(name),
			.module = module[0] ? strdup(module) : NULL,
		};
	}
	free(line);
	fclose(f);
	if (!syms->nr_ksyms) {
		lesson_syms_free(syms);
		errno = EPERM; /* addresses hidden (kptr_restrict) */
		return NULL;
	}
	qsort(syms->ksyms, syms->nr_ksyms, sizeof(*syms->ksyms), ksym_cmp);
	return syms;
fail:
	free(line);
	fclose(f);
	lesson_syms_free(syms);
	errno = ENOMEM;
	return NULL;
}

static const Dwfl_Callbacks proc_callbacks = {
	/* Open each mapped file by its path (or the vDSO from memory)... */
	.find_elf = dwfl_linux_proc_find_elf,
	/* ...and its debug file by build-id or .gnu_debuglink, if installed. */
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

struct lesson_syms *lesson_syms_new(pid_t pid)
{
	struct lesson_syms *syms;
	int err;

	if (pid == 0)
		return kernel_syms();
	syms = calloc(1, sizeof(*syms));
	if (!syms)
		return NULL;
	syms->dwfl = dwfl_begin(&proc_callbacks);
	if (!syms->dwfl) {
		free(syms);
		errno = ENOMEM;
		return NULL;
	}
	/* One module per file mapped executable in /proc/PID/maps. */
	err = dwfl_linux_proc_report(syms->dwfl, pid);
	if (dwfl_report_end(syms->dwfl, NULL, NULL) || err) {
		lesson_syms_free(syms);
		errno = err > 0 ? err : ESRCH;
		return NULL;
	}
	return syms;
}

void lesson_syms_free(struct lesson_syms *syms)
{
	size_t i;

	if (!syms)
		return;
	if (syms->dwfl)
		dwfl_end(syms->dwfl);
	for (i = 0; i < syms->nr_ksyms; i++) {
		free(syms->ksyms[i].name);
		free(syms->ksyms[i].module);
	}
	free(syms->ksyms);
	free(syms);
}

static int kernel_lookup(struct lesson_syms *syms, unsigned long addr, struct lesson_sym *sym)
{
	size_t lo = 0, hi = syms->nr_ksyms;

	/* The last symbol that starts at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms->ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	sym->name = syms->ksyms[lo - 1].name;
	sym->offset = addr - syms->ksyms[lo - 1].addr;
	sym->module = syms->ksyms[lo - 1].module;
	return 0;
}

int lesson_syms_lookup(struct lesson_syms *syms, unsigned long addr, struct lesson_sym *sym)
{
	const char *path, *slash;
	Dwfl_Module *mod;
	GElf_Off off;
	GElf_Sym esym;

	*sym = (struct lesson_sym){};
	if (!syms->dwfl)
		return kernel_lookup(syms, addr, sym);
	mod = dwfl_addrmodule(syms->dwfl, addr);
	if (!mod)
		return -1;
	path = dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	if (path) {
		slash = strrchr(path, '/');
		sym->module = slash ? slash + 1 : path;
	}
	/* .symtab if the file (or its debug file) has one, else .dynsym. */
	sym->name = dwfl_module_addrinfo(mod, addr, &off, &esym, NULL, NULL, NULL);
	if (!sym->name)
		return -1;
	sym->offset = off;
	return 0;
}

const char *lesson_syms_name(struct lesson_syms *syms, unsigned long addr, char *buf, size_t len)
{
	struct lesson_sym sym;

	if (syms && lesson_syms_lookup(syms, addr, &sym) == 0)
		snprintf(buf, len, "%s", sym.name);
	else if (syms && sym.module)
		snprintf(buf, len, "[%s]", sym.module);
	else
		snprintf(buf, len, "[unknown]");
	return buf;
}

const char *lesson_syms_format(struct lesson_syms *syms, unsigned long addr, char *buf, size_t len)
{
	struct lesson_sym sym = {};
	int n;

	if (syms && lesson_syms_lookup(syms, addr, &sym) == 0)
		n = snprintf(buf, len, "%s+0x%lx", sym.name, sym.offset);
	else
		n = snprintf(buf, len, "0x%lx", addr);
	if (sym.module && n >= 0 && (size_t)n < len) {
		/* Kernel module names already come as "[ext4]". */
		if (sym.module[0] == '[')
			snprintf(buf + n, len - n, " %s", sym.module);
		else
			snprintf(buf + n, len - n, " [%s]", sym.module);
	}
	return buf;
}
