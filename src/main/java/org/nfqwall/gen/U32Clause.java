package org.nfqwall.gen;

/**
 * A piece of a u32 expression and what it means. The texts of a rule's clauses, in order, make
 * the whole expression, so the explanation can never drift from what is generated.
 *
 * @param text the expression text, exactly as {@code iptables -S} prints it
 * @param meaning one line for an admin
 */
public record U32Clause(String text, String meaning) {
}
