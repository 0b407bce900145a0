# Shared by test.bats and exercise.bats: a throwaway certificate and a free
# port for openssl s_server / a TLS client on 127.0.0.1.
# shellcheck shell=bash disable=SC2034 # BIN, PORT: for the .bats files
BIN=$OUT/sslsniff

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
	# EC P-256: a key in milliseconds; -nodes: no passphrase.
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-subj /CN=localhost -days 1 -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
	# A port nothing listens on, picked by the kernel.
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
}
teardown() { lesson_teardown; }

listening() { ss -Hltn "sport = :$PORT" | grep -q .; }

# got FILE LINE: wait until FILE holds LINE, a whole line.  A generous
# bound: under emulation (tools/vmtest) a Python TLS client takes seconds.
got() {
	wait_until 30 grep -qxF -- "$2" "$1" || fail "never received '$2'; got: $(cat "$1")"
}
