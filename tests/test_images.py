"""Image files from anywhere: clear errors for bad ones, sensible answers for odd ones, bounded memory."""

import io
import warnings

import numpy as np
import pytest
from hostile_files import bomb_png, png_bytes
from PIL import Image

from digitpad.core.images import MAX_PIXELS, ORIGINAL_SIZE, ImageError, load_image, load_image_from


@pytest.fixture
def seven(mnist):
    index = int((mnist.test_labels == 7).nonzero()[0])
    return Image.fromarray(255 - mnist.test_images[index].numpy()).resize((140, 140))


@pytest.mark.parametrize("name,content,message", [
    ("notes.png", b"these are words, not pixels", "not an image file"),
    ("empty.png", b"", r"empty.png: the file is empty \(0 bytes\), it holds no image"),
    ("bomb.png", bomb_png(30000, 30000), "too large"),
])
def test_bad_files_are_refused_with_the_reason(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ImageError, match=message) as info:
        load_image(tmp_path / name)
    assert name in str(info.value)


def test_an_image_from_a_stream_reads_as_its_file_does(tmp_path, seven):
    """`digitpad predict -` reads standard input: the same image, messages naming the stream, an endless one cut off."""
    seven.save(tmp_path / "seven.png")
    with open(tmp_path / "seven.png", "rb") as stream:
        from_stream = load_image_from(stream, "stdin")
    from_file = load_image(tmp_path / "seven.png")
    assert np.array_equal(np.asarray(from_stream), np.asarray(from_file))
    assert from_stream.info[ORIGINAL_SIZE] == from_file.info[ORIGINAL_SIZE]
    with pytest.raises(ImageError, match=r"^stdin: not an image file digitpad can read"):
        load_image_from(io.BytesIO(b"these are words, not pixels"), "stdin")
    with pytest.raises(ImageError, match=r"^stdin: the file is empty"):
        load_image_from(io.BytesIO(b""), "stdin")
    with open("/dev/zero", "rb") as endless, pytest.raises(ImageError, match=r"^stdin: over 256 MB, larger than"):
        load_image_from(endless, "stdin")


def test_truncated_png_and_jpeg(tmp_path, seven):
    data = png_bytes(seven)
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    buffer = io.BytesIO()
    seven.convert("RGB").save(buffer, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    for name in ("cut.png", "cut.jpg"):
        with pytest.raises(ImageError, match="damaged or truncated"):
            load_image(tmp_path / name)


def test_bomb_is_refused_before_decoding(tmp_path):
    (tmp_path / "bomb.png").write_bytes(bomb_png(30000, 30000))
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ImageError, match=r"too large to open safely \(over 178,956,970 pixels, more than any file"):
        load_image(tmp_path / "bomb.png")  # refused by Pillow's own limit, and said so
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB: no 900 MB decode
    assert 30000 * 30000 > MAX_PIXELS


def test_a_png_with_a_huge_comment_is_refused_for_what_it_is(tmp_path):
    """Pillow will not unpack over 1 MB of a PNG's text: the file was called "damaged or truncated", which it is not."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 2_000_000, zip=True)
    Image.new("L", (28, 28)).save(tmp_path / "noted.png", pnginfo=info)
    with pytest.raises(ImageError, match="noted.png: it carries over 1 MB of text besides the picture"):
        load_image(tmp_path / "noted.png")


@pytest.mark.parametrize("mode", ["I;16", "RGBA", "P", "LA", "RGB", "1"])
def test_odd_modes_are_read(tmp_path, bundled, seven, mode):
    if mode == "I;16":
        image = Image.fromarray(np.asarray(seven, dtype=np.uint16) * 257)
    elif mode == "RGBA":
        image = Image.new("RGBA", seven.size, (0, 0, 0, 0))
        image.putalpha(Image.fromarray(255 - np.asarray(seven)))  # black ink on a transparent sheet
    else:
        image = seven.convert(mode)
    image.save(tmp_path / "x.png")
    assert bundled.predict(load_image(tmp_path / "x.png")).digit == 7


def test_big_photo_is_shrunk_and_still_read(tmp_path, bundled, seven):
    seven.resize((3000, 3000)).save(tmp_path / "big.png")
    image = load_image(tmp_path / "big.png")
    assert max(image.size) <= 1024
    assert bundled.predict(image).digit == 7


@pytest.mark.parametrize("color", [0, 255])
def test_plain_white_or_black_is_blank(tmp_path, bundled, color):
    Image.new("L", (200, 200), color).save(tmp_path / "plain.png")
    assert bundled.predict(load_image(tmp_path / "plain.png")) is None


@pytest.mark.parametrize("shade", [0, 255])
def test_one_pixel_image_holds_no_digit(tmp_path, bundled, shade):
    Image.new("L", (1, 1), shade).save(tmp_path / "dot.png")
    assert bundled.predict(load_image(tmp_path / "dot.png")) is None, "one pixel is no digit: no guess"


def test_a_50_megapixel_phone_jpeg_is_read_at_an_eighth_of_its_side(tmp_path, bundled, seven):
    """Phones take 50-megapixel photos: over the limit in full, but a JPEG is decoded at 1/8 scale, under it."""
    page = Image.new("L", (8160, 6120), 235)
    page.paste(seven.resize((2000, 2000)), (3000, 2000))
    page.save(tmp_path / "phone.jpg", quality=85)
    assert 8160 * 6120 > MAX_PIXELS
    image = load_image(tmp_path / "phone.jpg")
    assert max(image.size) <= 1024 and image.info["digitpad.original_size"] == (8160, 6120)
    reading = bundled.read(tmp_path / "phone.jpg")
    assert reading.prediction.digit == 7 and reading.size == (8160, 6120)


def test_a_png_over_the_limit_is_still_refused(tmp_path):
    """Only JPEGs decode smaller: a 48-megapixel PNG would be decoded whole, so it is refused with the reason."""
    Image.new("1", (8000, 6000), 1).save(tmp_path / "scan.png")
    with pytest.raises(ImageError, match="too large to open safely .*; only a JPEG is decoded smaller: scale it "
                                         "down, or save it as a JPEG"):
        load_image(tmp_path / "scan.png")


@pytest.mark.parametrize("scale", [1.0, 255.0])
def test_a_float_tiff_is_read_in_its_own_range(tmp_path, bundled, seven, scale):
    """32-bit float images (scientific TIFFs) hold 0-1 or 0-255; either reads, from a file or as a PIL image."""
    image = Image.fromarray(np.asarray(seven, dtype=np.float32) / 255 * scale, "F")
    image.save(tmp_path / "seven.tif")
    assert bundled.predict(tmp_path / "seven.tif").digit == 7
    assert bundled.predict(image).digit == 7


def test_a_float_tiff_with_holes_reads_without_warnings(tmp_path, bundled, seven):
    """NaN pixels (no measurement, in scientific TIFFs) are no ink, read without numpy's warning on stderr."""
    array = np.asarray(seven, dtype=np.float32) / 255
    array[:3, :3] = np.nan
    Image.fromarray(array, "F").save(tmp_path / "holes.tif")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bundled.predict(tmp_path / "holes.tif").digit == 7


def test_a_photo_with_damaged_exif_reads_without_pillow_s_warning(tmp_path, bundled, seven):
    exif = b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff\x12\x01"  # an EXIF block cut short
    seven.convert("L").save(tmp_path / "seven.jpg", exif=exif, quality=95)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bundled.predict(tmp_path / "seven.jpg").digit == 7
