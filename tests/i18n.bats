#!/usr/bin/env bats
# tools/i18n-check: every README.md has a README.zh.md that agrees on code.
load lib

setup() {
	D=$BATS_TEST_TMPDIR/ws
	mkdir -p "$D/lessons/00-x"
	cat >"$D/README.md" <<'EOF'
# Title

[中文](README.zh.md)

Run it:

    make -C lessons/00-x run       # counts on lo
    make test

- a list item

    continued paragraph, not code

```c
int x = 1;
```

<!-- lessons:begin -->
| Lesson | Mirrors |
|---|---|
| [00-x](lessons/00-x/) X | y |
<!-- lessons:end -->

$ run `tools/doctor --fix` then `make`
EOF
	cat >"$D/README.zh.md" <<'EOF'
# 标题

[English](README.md)

运行：

    make -C lessons/00-x run       # counts on lo
    make test

- 列表项

    续行段落，不是代码

```c
int x = 1;
```

<!-- lessons:begin -->
| Lesson | Mirrors |
|---|---|
| [00-x](lessons/00-x/) X | y |
<!-- lessons:end -->

$ 先运行 `tools/doctor --fix` 再运行 `make`
EOF
	printf '# 00\n\n[中文](README.zh.md)\n\nText.\n\n    make run\n' >"$D/lessons/00-x/README.md"
	printf '# 00\n\n[English](README.md)\n\n文字。\n\n    make run\n' >"$D/lessons/00-x/README.zh.md"
}

@test "i18n-check: a translated pair that agrees on every code block passes" {
	run "$ROOT/tools/i18n-check" "$D"
	assert_success
	assert_output ''
}

@test "i18n-check: one changed indented code block fails, naming the file and line" {
	sed -i 's/^    make test$/    make tests/' "$D/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_output "i18n-check: README.zh.md:8: code block 1 differs from README.md:8: '    make test' vs '    make tests'"
}

@test "i18n-check: a changed fenced block, a translated code comment, a changed table or prompt command each fail" {
	cp "$D/README.zh.md" "$BATS_TEST_TMPDIR/good"
	sed -i 's/^int x = 1;$/int x = 2;/' "$D/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_line --partial 'README.zh.md:15: code block 2 differs'

	cp "$BATS_TEST_TMPDIR/good" "$D/README.zh.md"
	sed -i 's/# counts on lo$/# 统计 lo/' "$D/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_line --partial 'code block 1 differs'

	cp "$BATS_TEST_TMPDIR/good" "$D/README.zh.md"
	sed -i 's/| y |$/| z |/' "$D/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_output 'i18n-check: README.zh.md: the generated lesson table differs from README.md'"'"'s (make readme-table)'

	cp "$BATS_TEST_TMPDIR/good" "$D/README.zh.md"
	sed -i 's/--fix/--fixit/' "$D/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_output --partial 'command 1 on a prompt line differs'
}

@test "i18n-check: a README.md without its translation fails, and so does a translation without README.md" {
	rm "$D/lessons/00-x/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_output 'i18n-check: lessons/00-x/README.md: no README.zh.md beside it'

	mkdir "$D/vmlinux"
	echo '# 孤儿' >"$D/vmlinux/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_line 'i18n-check: vmlinux/README.zh.md: no README.md beside it'
	assert_equal "${#lines[@]}" 2
}

@test "i18n-check: a missing link line under the title fails, in either language" {
	sed -i '/^\[中文\](README.zh.md)$/d' "$D/lessons/00-x/README.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_output "i18n-check: lessons/00-x/README.md: no link line '[中文](README.zh.md)' right under the title"

	sed -i 's/^\[English\](README.md)$/English: README.md/' "$D/README.zh.md"
	run "$ROOT/tools/i18n-check" "$D"
	assert_failure 1
	assert_line "i18n-check: README.zh.md: no link line '[English](README.md)' right under the title"
}

@test "i18n-check: bad usage exits 64" {
	run "$ROOT/tools/i18n-check" "$BATS_TEST_TMPDIR/nonexistent"
	assert_failure 64
	run "$ROOT/tools/i18n-check" a b
	assert_failure 64
}

@test "i18n-check: a lesson made by tools/new-lesson comes with a matching README.zh.md" {
	R=$BATS_TEST_TMPDIR/repo
	mkdir -p "$R/lessons" "$R/common"
	touch "$R/common/lesson.mk"
	run "$ROOT/tools/new-lesson" --dir "$R/lessons" 42-my-tool
	assert_success
	assert_file_exists "$R/lessons/42-my-tool/README.zh.md"
	run "$ROOT/tools/i18n-check" "$R/lessons"
	assert_success
	assert_output ''
}
