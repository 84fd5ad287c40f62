package org.nfqwall.lab;

/**
 * The packets the two-uplink lab's uplinks forwarded to and from one server host, read from
 * their LAB-COUNT chains by {@link Uplinks#traffic(Lab, String)}; {@link #minus} makes the
 * traffic of one test step from two readings.
 *
 * @param host the server host address
 * @param toA packets towards the host through uplink A (client to server)
 * @param synA of those, TCP SYNs (connection openings)
 * @param fromA packets from the host through uplink A (server to client)
 * @param toB packets towards the host through uplink B
 * @param synB of those, TCP SYNs
 * @param fromB packets from the host through uplink B
 */
public record HostTraffic(String host, long toA, long synA, long fromA, long toB, long synB, long fromB) {

    /** The traffic since {@code before}, a reading of the same host. */
    public HostTraffic minus(HostTraffic before) {
        if (!host.equals(before.host)) {
            throw new IllegalArgumentException(host + " minus " + before.host);
        }
        return new HostTraffic(host, toA - before.toA, synA - before.synA, fromA - before.fromA,
                toB - before.toB, synB - before.synB, fromB - before.fromB);
    }

    /** Packets through uplink A, both directions. */
    public long viaA() {
        return toA + fromA;
    }

    /** Packets through uplink B, both directions. */
    public long viaB() {
        return toB + fromB;
    }

    @Override
    public String toString() {
        return host + ": A to " + toA + " (syn " + synA + ") from " + fromA
                + ", B to " + toB + " (syn " + synB + ") from " + fromB;
    }
}
