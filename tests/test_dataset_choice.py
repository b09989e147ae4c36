"""The Train tab's data choice made again from what a run recorded (its Runs page's "Same settings again")."""

from hostile_files import digit_csv

from digitpad.core.dataset_files import mnist_raw_dir
from digitpad.core.datasets import load_dataset
from digitpad.ui.dataset_choice import CSV, DEFAULT, FOLDER, DatasetChoice


def test_a_recorded_source_gives_the_choice_that_loads_it_again(tmp_path, mnist_root):
    default = load_dataset(mnist_root).source  # the data folder ($DIGITPAD_DATA_DIR, as the tests run)
    assert DatasetChoice.of_source(default) == DatasetChoice(DEFAULT)
    elsewhere = DatasetChoice.of_source(f"MNIST ({tmp_path / 'copy' / 'MNIST' / 'raw'})")
    assert elsewhere.kind == FOLDER and elsewhere.root() == tmp_path / "copy"
    assert DatasetChoice.of_source("CSV (/home/me/train (2).csv)") == DatasetChoice(CSV, "/home/me/train (2).csv")
    assert DatasetChoice.of_source("something else") == DatasetChoice(DEFAULT)
    assert mnist_raw_dir().resolve() == mnist_raw_dir(mnist_root).resolve()


def test_a_source_given_by_a_relative_path_is_recorded_whole(tmp_path, monkeypatch):
    """`digitpad train --csv digits.csv` in one folder, "Same settings again" in an app started in another."""
    (tmp_path / "digits.csv").write_text(digit_csv(20))
    monkeypatch.chdir(tmp_path)
    source = load_dataset(csv="digits.csv").source
    monkeypatch.chdir("/")
    assert DatasetChoice.of_source(source) == DatasetChoice(CSV, str(tmp_path / "digits.csv"))
    assert DatasetChoice.of_source(source).problem() is None


def test_a_folder_missing_one_of_mnist_s_files_is_told_which(tmp_path, mnist_root):
    """Three of the four files: the form said "no MNIST here", which reads as the wrong folder; it names the file, as
    `digitpad train --data-dir` does."""
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    assert DatasetChoice(FOLDER, str(tmp_path)).problem().endswith("no MNIST here (expected the four *-ubyte[.gz] "
                                                                    "files in MNIST/raw)")
    for source in mnist_raw_dir(mnist_root).iterdir():
        if "train-labels" not in source.name and "ubyte" in source.name:
            (raw / source.name).symlink_to(source)
    assert DatasetChoice(FOLDER, str(tmp_path)).problem() == \
        f"{raw}: train-labels-idx1-ubyte missing (neither plain nor .gz)"
