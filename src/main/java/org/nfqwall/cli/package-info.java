/** The command line: one class per command, output through injected writers, meaningful exit codes. */
package org.nfqwall.cli;
