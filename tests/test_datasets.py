import gzip
import hashlib
import shutil
import tracemalloc

import numpy as np
import pytest
import torch
from hostile_files import CSV_HEADER, digit_csv, gzip_bomb, idx_images, idx_labels

from digitpad.core.dataset_files import CSV_CHUNK, read_digit_csv, read_idx
from digitpad.core.datasets import DatasetError, load_dataset, load_digit_csv, load_mnist

RAW_NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def test_real_mnist_loads_whole_as_uint8(mnist, mnist_root):
    assert mnist.train_images.shape == (60000, 28, 28) and mnist.train_images.dtype == torch.uint8
    assert mnist.test_images.shape == (10000, 28, 28) and mnist.test_labels.shape == (10000,)
    assert torch.bincount(mnist.test_labels).tolist()[:3] == [980, 1135, 1032]
    sums = dict(line.split()[::-1] for line in (mnist_root / "MNIST" / "MD5SUMS").read_text().splitlines())
    raw = mnist_root / "MNIST" / "raw"
    assert hashlib.md5((raw / "t10k-labels-idx1-ubyte").read_bytes()).hexdigest() == sums["t10k-labels-idx1-ubyte"]


@pytest.fixture(scope="module")
def pristine_copy(tmp_path_factory, mnist_root):
    """MNIST with the big training images gzipped, to show .gz files read too (made once)."""
    root = tmp_path_factory.mktemp("mnist")
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name in RAW_NAMES:
        if name == "train-images-idx3-ubyte":
            with open(mnist_root / "MNIST" / "raw" / name, "rb") as src, \
                    gzip.open(raw / f"{name}.gz", "wb", compresslevel=1) as dst:
                shutil.copyfileobj(src, dst)
        else:
            shutil.copy(mnist_root / "MNIST" / "raw" / name, raw / name)
    return root


@pytest.fixture
def mnist_copy(tmp_path, pristine_copy):
    """A writable copy of MNIST for one test to break."""
    shutil.copytree(pristine_copy, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_gzipped_files_read_like_plain_ones(mnist_copy, mnist):
    data = load_dataset(mnist_copy)
    assert torch.equal(data.train_images, mnist.train_images)


def corrupt(path, transform):
    path.write_bytes(transform(path.read_bytes()))


@pytest.mark.parametrize("name,transform,message", [
    ("t10k-images-idx3-ubyte", lambda b: b"\x00\x00\x08\x01" + b[4:], "bad magic number 2049"),
    ("t10k-images-idx3-ubyte", lambda b: b[:-1000], "wrong length"),
    ("t10k-images-idx3-ubyte", lambda b: b[:10], "truncated header"),
    ("t10k-labels-idx1-ubyte", lambda b: b[:8] + b"\x0c" + b[9:], "out of range"),
    ("t10k-images-idx3-ubyte", lambda b: b"", "truncated header"),
])
def test_corrupt_idx_files_are_named_with_the_problem(mnist_copy, name, transform, message):
    corrupt(mnist_copy / "MNIST" / "raw" / name, transform)
    with pytest.raises(DatasetError, match=message) as info:
        load_mnist(mnist_copy)
    assert name in str(info.value)


def test_label_count_mismatch(mnist_copy):
    path = mnist_copy / "MNIST" / "raw" / "t10k-labels-idx1-ubyte"
    data = path.read_bytes()
    path.write_bytes(data[:4] + (9999).to_bytes(4, "big") + data[8:-1])
    with pytest.raises(DatasetError, match="10000 images but t10k-labels-idx1-ubyte has 9999 labels"):
        load_mnist(mnist_copy)


def test_broken_gzip(mnist_copy):
    gz = mnist_copy / "MNIST" / "raw" / "train-images-idx3-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:5000])
    with pytest.raises(DatasetError, match="train-images-idx3-ubyte.gz: cannot be read"):
        load_mnist(mnist_copy)


def test_missing_mnist_says_how_to_get_it(tmp_path):
    with pytest.raises(DatasetError, match="--data-dir"):
        load_mnist(tmp_path)


def test_a_missing_file_is_named_and_the_test_split_is_read_without_the_training_one(mnist_copy, mnist):
    """Evaluating reads the test split only: a training file missing or damaged is no reason to refuse it."""
    (mnist_copy / "MNIST" / "raw" / "train-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DatasetError) as info:
        load_mnist(mnist_copy)
    assert str(info.value) == (f"{mnist_copy / 'MNIST' / 'raw'}: train-images-idx3-ubyte missing (neither plain "
                               "nor .gz); `digitpad download` fetches what is missing")
    corrupt(mnist_copy / "MNIST" / "raw" / "train-labels-idx1-ubyte", lambda b: b[:10])
    test_only = load_dataset(mnist_copy, test_only=True)
    assert torch.equal(test_only.test_images, mnist.test_images) and len(test_only.train_labels) == 0


def test_idx_reader_rejects_other_image_sizes(tmp_path):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes((2051).to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in (1, 32, 32)) + bytes(1024))
    with pytest.raises(DatasetError, match="32x32"):
        read_idx(path, 2051)


def write_csv(path, rows, header=None):
    header = header or "label," + ",".join(f"pixel{i}" for i in range(784))
    path.write_text(header + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n")


def test_kaggle_csv_round_trip(tmp_path, mnist):
    images, labels = mnist.train_images[:70].reshape(70, -1).numpy(), mnist.train_labels[:70].numpy()
    write_csv(tmp_path / "train.csv", np.column_stack([labels, images]))
    data = load_digit_csv(tmp_path / "train.csv")
    assert len(data.train_labels) == 60 and len(data.test_labels) == 10
    together = torch.cat([data.train_images, data.test_images]).reshape(70, -1)
    assert sorted(map(tuple, together.tolist())) == sorted(map(tuple, images.tolist()))


@pytest.mark.parametrize("rows,message", [
    ([[1] + [0] * 784, [2] + [0] * 783], "bad.csv: line 3 has 784 values, expected 785 (label + 784 pixels)"),
    ([[1] + [0] * 784] * 99 + [[1] + [0] * 783 + ["x"]], "bad.csv: line 101, value 785: 'x' is not a number"),
    ([["# a note"], [1] + [0] * 784], "bad.csv: line 2 has 1 values, expected 785 (label + 784 pixels)"),
    ([[1] + [0] * 783 + [256]], "bad.csv: line 2, value 785: pixel value 256 is not a whole number from 0 to 255"),
    ([[1] + [0] * 784, [1] + [12.5] + [0] * 783],
     "bad.csv: line 3, value 2: pixel value 12.5 is not a whole number from 0 to 255"),
    ([[1] + [0] * 784, [12] + [0] * 784], "bad.csv: line 3, value 1: label 12 is not a whole number from 0 to 9"),
    ([[1] + [0] * 784, [""], [""], [12] + [0] * 784],
     "bad.csv: line 5, value 1: label 12 is not a whole number from 0 to 9"),
    ([], "bad.csv: has a header but no rows"),
])
def test_bad_csv_rows_are_named_by_the_file_s_line(tmp_path, rows, message):
    write_csv(tmp_path / "bad.csv", rows)
    with pytest.raises(DatasetError) as info:
        load_digit_csv(tmp_path / "bad.csv")
    assert str(info.value) == f"{tmp_path / message}"


def test_the_first_problem_past_the_first_chunk_is_named_as_in_a_small_file(tmp_path):
    """A file the fast whole-number parse refuses is read again CSV_CHUNK rows at a time, and only a chunk numpy
    cannot read is looked at in Python: the problem named is still the first in the file, whatever chunk it is in."""
    def rows(*changes, short=range(0)):
        kept = [[i % 10] + [0] * (783 if i in short else 784) for i in range(2 * CSV_CHUNK + 500)]
        for line, column, value in changes:  # the file's line (the header is line 1), the value's place in it
            kept[line - 2][column - 1] = value
        return kept

    decimals = [(line, 2, "7.0") for line in range(CSV_CHUNK + 100, CSV_CHUNK + 200)]
    cases = [
        (rows((2 * CSV_CHUNK + 300, 501, "abc")), f"line {2 * CSV_CHUNK + 300}, value 501: 'abc' is not a number"),
        (rows(*decimals, (2 * CSV_CHUNK + 300, 9, "")), f"line {2 * CSV_CHUNK + 300}, value 9: '' is not a number"),
        (rows((CSV_CHUNK + 1, 1, "x")), f"line {CSV_CHUNK + 1}, value 1: 'x' is not a number"),
        (rows((CSV_CHUNK + 7, 40, "1_0")), f"line {CSV_CHUNK + 7}, value 40: '1_0' is not a number"),  # float() takes
        (rows((9, 2, "\uff11")), "line 9, value 2: '\uff11' is not a number"),  # a full-width 1: float() takes it too
        (rows((2 * CSV_CHUNK + 300, 3, "q"), short=range(CSV_CHUNK, 2 * CSV_CHUNK)),  # a whole chunk of short rows
         f"line {CSV_CHUNK + 2} has 784 values, expected 785 (label + 784 pixels)"),
        (rows(*decimals, (CSV_CHUNK + 150, 1, "12.0")),
         f"line {CSV_CHUNK + 150}, value 1: label 12 is not a whole number from 0 to 9"),
    ]
    for written, message in cases:
        write_csv(tmp_path / "bad.csv", written)
        with pytest.raises(DatasetError) as info:
            read_digit_csv(tmp_path / "bad.csv")
        assert str(info.value) == f"{tmp_path / 'bad.csv'}: {message}"
    write_csv(tmp_path / "good.csv", rows(*decimals))  # whole numbers written with decimals in one chunk: read
    images, labels = read_digit_csv(tmp_path / "good.csv")
    assert images.shape == (2 * CSV_CHUNK + 500, 28, 28) and images[CSV_CHUNK + 100 - 2, 0, 0] == 7
    assert images.sum() == 100 * 7 and labels.tolist() == [i % 10 for i in range(2 * CSV_CHUNK + 500)]


def test_a_spreadsheet_s_csv_reads_a_byte_order_mark_and_whole_numbers_written_with_decimals(tmp_path, mnist):
    images, labels = mnist.train_images[:20].reshape(20, -1).numpy(), mnist.train_labels[:20].numpy()
    header = "\ufefflabel," + ",".join(f"pixel{i}" for i in range(784))
    write_csv(tmp_path / "excel.csv", [[f"{v}.0" for v in row] for row in np.column_stack([labels, images])], header)
    data = load_digit_csv(tmp_path / "excel.csv")
    together = torch.cat([data.train_images, data.test_images]).reshape(20, -1)
    assert sorted(map(tuple, together.tolist())) == sorted(map(tuple, images.tolist()))


def test_a_header_that_is_not_the_digit_csv_s_is_said_once(tmp_path):
    (tmp_path / "semicolons.csv").write_text("label;" + ";".join(f"pixel{i}" for i in range(784)) + "\n")
    with pytest.raises(DatasetError) as info:
        load_digit_csv(tmp_path / "semicolons.csv")
    assert str(info.value).count("semicolons.csv") == 1 and "bad row" not in str(info.value)
    assert "expected a header 'label,pixel0,...,pixel783' (785 comma-separated columns), found 1 column " in \
        str(info.value)


def test_a_csv_of_pixels_without_labels_is_named_for_what_it_is(tmp_path, mnist):
    """Kaggle's test.csv, given to train or evaluate by mistake (it sits beside train.csv)."""
    write_csv(tmp_path / "test.csv", mnist.test_images[:20].reshape(20, -1).tolist(),
              header=",".join(f"pixel{i}" for i in range(784)))
    with pytest.raises(DatasetError) as info:
        load_digit_csv(tmp_path / "test.csv")
    assert str(info.value) == (f"{tmp_path / 'test.csv'}: no 'label' column, only the 784 pixels, as in Kaggle's "
                               "test.csv: it holds no answers to learn from or score against; use a CSV whose first "
                               "column is the label, as Kaggle's train.csv")


def test_csv_with_missing_column(tmp_path):
    write_csv(tmp_path / "short.csv", [[1] + [0] * 783], header="label," + ",".join(f"pixel{i}" for i in range(783)))
    with pytest.raises(DatasetError, match="785 comma-separated columns"):
        load_digit_csv(tmp_path / "short.csv")


@pytest.mark.parametrize("rows", [1, 2, 10])
def test_a_csv_too_small_to_train_and_test_is_refused(tmp_path, rows):
    (tmp_path / "small.csv").write_text(digit_csv(rows))
    with pytest.raises(DatasetError, match=f"small.csv: only {rows} rows?; digitpad needs at least 11"):
        load_dataset(csv=tmp_path / "small.csv")
    (tmp_path / "enough.csv").write_text(digit_csv(11))
    assert len(load_dataset(csv=tmp_path / "enough.csv").train_labels) == 10
    scored = load_dataset(csv=tmp_path / "small.csv", test_only=True)  # to evaluate a model: every row, however few
    assert len(scored.test_labels) == rows and len(scored.train_labels) == 0
    (tmp_path / "header-only.csv").write_text(digit_csv(0))
    with pytest.raises(DatasetError, match="header-only.csv: has a header but no rows"):
        load_dataset(csv=tmp_path / "header-only.csv", test_only=True)


def mnist_of(root, images: int):
    """ROOT/MNIST/raw holding a training and a test split of `images` blank images each; the raw folder."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix in ("train", "t10k"):
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(idx_images(images))
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(idx_labels(images))
    return raw


def test_the_mnist_or_raw_folder_itself_names_the_data_folder_above_it(tmp_path):
    """The folder a person is likeliest to pick or type: the CLI takes it as the Train tab's folder choice does."""
    raw = mnist_of(tmp_path, 20)
    for given in (raw, raw.parent, tmp_path):
        assert len(load_mnist(given).test_labels) == 20, given


def test_mnist_files_with_one_image_are_refused(tmp_path):
    mnist_of(tmp_path, 1)
    with pytest.raises(DatasetError, match="train-images-idx3-ubyte: only 1 images; digitpad needs at least 10"):
        load_mnist(tmp_path)


def test_a_csv_without_newlines_is_refused_after_one_bounded_line(tmp_path):
    """A 20 MB line is refused once MAX_CSV_LINE characters are read, never held whole."""
    path = tmp_path / "one-line.csv"
    path.write_text(CSV_HEADER + "1" + ",0" * 10_000_000)
    tracemalloc.start()
    with pytest.raises(DatasetError, match="one-line.csv: line 2 is longer than a row of 785 values can be"):
        load_digit_csv(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000, f"{peak:,} bytes held for a 20 MB file"
    path.write_text("label" + ",0" * 10_000_000)
    with pytest.raises(DatasetError, match="expected a header"):
        load_digit_csv(path)


def test_a_gzip_bomb_stops_at_the_size_its_header_announces(tmp_path):
    """64 MB of zeros behind a header announcing 10 images: reading stops after 7,841 bytes of images."""
    bomb = tmp_path / "bomb-idx3-ubyte.gz"
    gzip_bomb(bomb, announced=10, payload=64 << 20)
    tracemalloc.start()
    with pytest.raises(DatasetError, match="bomb-idx3-ubyte.gz: wrong length more bytes; its header"):
        read_idx(bomb, 2051)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2_000_000, f"{peak:,} bytes held while reading a 64 MB bomb"
    gzip_bomb(bomb, announced=10**8, payload=1000)
    with pytest.raises(DatasetError, match="announces 100,000,000 items; digitpad reads at most 1,000,000"):
        read_idx(bomb, 2051)
