/** Spinformer benchmarks. */
package org.spinformer.benchmarks;
