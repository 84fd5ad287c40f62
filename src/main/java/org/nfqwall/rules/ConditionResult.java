package org.nfqwall.rules;

/**
 * How one condition of a rule fared against some facts, for {@code nfqwall explain}. Immutable.
 *
 * @param key the rules-file key ({@code host}, {@code path}, ...)
 * @param holds whether the condition holds, as decided by the matching code itself
 * @param reason why, in words, e.g. {@code path "/app2/x" does not match "/APP2*" (globs are case-sensitive)}
 * @param nearly the condition fails, but only just: the path matches but for letter case, or
 *     the host is the very name a {@code *.name} wildcard leaves out
 */
public record ConditionResult(String key, boolean holds, String reason, boolean nearly) {
}
