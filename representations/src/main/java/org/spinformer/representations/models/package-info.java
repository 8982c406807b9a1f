/**
 * Pretrained transformers on core blocks for hidden states: BERT-family encoders (the built-in MiniLM from the
 * ONNX file in the langchain4j jar, or Hugging Face directories) and decoder LLMs (GPT-2, Llama, Qwen2,
 * Mistral); tokenisation through DJL's Hugging Face tokenizer; batched, length-sorted extraction.
 */
package org.spinformer.representations.models;
