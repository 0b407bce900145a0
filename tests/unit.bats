#!/usr/bin/env bats
# The helper library's unit tests (common/test) under ASan+UBSan, and a
# short libFuzzer smoke over the committed seeds (tests/fuzz): CI runs both
# through `make test`; `make fuzz` fuzzes for real, on demand.
load lib

@test "helper library unit tests pass under ASan+UBSan (make SANITIZE=1 unit)" {
	run make -s -C "$ROOT" SANITIZE=1 unit
	assert_success
	assert_line "test_args: ok (0 failed checks)"
	assert_line "test_log: ok (0 failed checks)"
	refute_output --partial "runtime error"
	refute_output --partial "ERROR: AddressSanitizer"
}

@test "fuzz targets survive their seed corpora (make -C tests/fuzz smoke)" {
	command -v clang >/dev/null || skip "no clang"
	run make -s -C "$ROOT/tests/fuzz" smoke
	assert_success
	assert_output --partial "fuzz smoke: ok"
}
