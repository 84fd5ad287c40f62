/** Test support for kernel-level tests: a three-namespace lab (client, firewall, server) and its tools. */
package org.nfqwall.lab;
