package org.nfqwall.rules;

/** Network device names as the kernel accepts them (its {@code dev_valid_name}). Stateless. */
public final class DeviceNames {
    /** Longest interface name: {@value} (IFNAMSIZ 16 with its terminating zero). */
    public static final int MAX_LENGTH = 15;
    /** What a message says is expected instead of a bad name. */
    public static final String EXPECTED = "expected a network device name of 1 to " + MAX_LENGTH
            + " characters without spaces, '/' or ':' (e.g. wg0, eth1)";

    private DeviceNames() {
    }

    /** True for 1 to {@value #MAX_LENGTH} printable ASCII characters without space, '/' or ':', not "." or "..". */
    public static boolean isValid(String name) {
        if (name.isEmpty() || name.length() > MAX_LENGTH || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == '/' || c == ':' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }
}
