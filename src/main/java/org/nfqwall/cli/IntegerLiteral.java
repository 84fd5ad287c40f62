package org.nfqwall.cli;

import picocli.CommandLine;

/** Reads decimal or 0x-prefixed hexadecimal integers (marks and masks), up to 32 unsigned bits. */
final class IntegerLiteral implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            long n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            if (n < 0 || n > 0xFFFFFFFFL) {
                throw new CommandLine.TypeConversionException("'" + value + "' is outside 0..0xffffffff");
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number (decimal or 0x hex)");
        }
    }
}
