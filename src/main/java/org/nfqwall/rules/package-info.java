/** The rules file: its YAML format, loading with exact FILE:LINE:COL errors, and the indexed first-match matcher. */
package org.nfqwall.rules;
