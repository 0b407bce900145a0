# Shared by test.bats and exercise.bats: connects whose outcome the test
# knows without the program.
# shellcheck shell=bash disable=SC2034 # BIN, PORT: for the .bats files
BIN=$OUT/lsm_connect
# connect(ADDR, PORT) with SOCK_TYPE; prints "connected" or the error and
# exits with its errno (EPERM = 1).
CONNECT='import socket, sys
s = socket.socket(socket.AF_INET, getattr(socket, "SOCK_" + sys.argv[3]))
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
except OSError as e:
    print(e.strerror)
    sys.exit(e.errno)
print("connected")'

setup() {
	lesson_setup
	T=$BATS_TEST_TMPDIR
}
teardown() { lesson_teardown; }

conn() { run python3 -c "$CONNECT" "$@"; }

# listener NAME: a TCP listener on 0.0.0.0, any free port; sets PORT (and
# writes it to $T/NAME).
listener() {
	start_bg "$T/$1" python3 -c 'import socket, time
s = socket.socket()
s.bind(("0.0.0.0", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
time.sleep(120)'
	wait_for_line "$T/$1" '^[0-9]+$'
	PORT=$(cat "$T/$1")
}
