/** Text sources (embedded Moby-Dick and State of the Union, files, TSV columns, JSON-lines fields), word and Hugging Face tokenizers, fixed-length windows split by position. */
package org.spinformer.language.corpus;
