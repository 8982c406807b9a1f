/** Tokenisation: the one wrapper of Hugging Face tokenizer files that the pipelines share. */
package org.spinformer.core.text;
