package org.spinformer.cli;

import picocli.CommandLine.Option;

/** {@code --model}: a built-in text model or a Hugging Face directory, checked before anything is loaded. */
final class ModelOption {
    @Option(names = "--model", defaultValue = "minilm", paramLabel = "<model>",
            description = "minilm or bge-small (built in) or a Hugging Face directory (bert, roberta, gpt2, llama, qwen2, "
                    + "mistral; vit, dinov2 with --images) (default: ${DEFAULT-VALUE}).")
    String name;

    /** The model spec, refused (exit 2) when it is neither built in nor a directory. */
    String checked() {
        CommonOptions.checkModel(name);
        return name;
    }
}
