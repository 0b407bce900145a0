// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// The JVM lesson 23 traces: java GcTarget.java [-w] FULL MBYTES [SECONDS]
// -w: print "ready" and wait for a line on stdin; SECONDS: print "ready" and
// wait that long (time to attach a tracer).  Then allocate MBYTES of
// short-lived 1 MB arrays (young collections, if the young generation is
// smaller) and call System.gc() FULL times (full collections).
public class GcTarget {
	static volatile byte[] sink;

	public static void main(String[] args) throws Exception {
		int a = 0;
		if (args[0].equals("-w")) {
			System.out.println("ready");
			System.out.flush();
			System.in.read();
			a = 1;
		}
		int full = Integer.parseInt(args[a]);
		int mbytes = Integer.parseInt(args[a + 1]);
		if (args.length > a + 2) {
			System.out.println("ready");
			System.out.flush();
			Thread.sleep(1000 * Integer.parseInt(args[a + 2]));
		}
		for (int i = 0; i < mbytes; i++)
			sink = new byte[1 << 20];
		for (int i = 0; i < full; i++)
			System.gc();
	}
}
