/**
 * Hidden-state extraction and the Information Imbalance over a corpus partitioned on Apache Spark: each partition
 * runs the same {@code representations} code as one machine does (the model loaded once per executor JVM), and
 * the driver joins the rows in input order.
 */
package org.spinformer.spark;
