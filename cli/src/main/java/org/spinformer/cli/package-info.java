/** The picocli entry point {@code spinformer} and its subcommands. */
package org.spinformer.cli;
