/** Generators of iptables rulesets: pure functions, text out. */
package org.nfqwall.gen;
