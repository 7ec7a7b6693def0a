"""The prompt/aigcData <-> public instances encoding (docs/encoding.md), against the committed micro sample."""

import json

import pytest

from proofs.encoding import FIELD_MODULUS, Encoding, EncodingError, felt_from_ezkl_hex, from_field, to_field
from proofs.model_artifacts import ModelArtifacts
from proofs.proven import ProvenSample

ENC = Encoding(input_len=3, output_len=2, input_scale=7, output_scale=7)
#: 20 digits: one full 16-digit chunk and a partial second one (18 bytes, 4 padding bits).
ENC20 = Encoding(input_len=1, output_len=20, input_scale=7, output_scale=7)
#: The sigmoid stage: 8-bit digits in [0, 128], 15 per element; 20 digits = one full chunk and 5 more.
BYTE20 = Encoding(input_len=1, output_len=20, input_scale=7, output_scale=7, digit_bits=8)
#: A prompt space: two named parts with 3 and 200 ids.
SPACE = Encoding(
    input_len=2, output_len=2, input_scale=7, output_scale=7, prompt_names=("bg", "head"), prompt_limits=(3, 200)
)


def test_lengths_follow_packing_if_output_is_digits():
    assert (ENC.aigc_len, ENC.output_instances, ENC.num_instances) == (2, 1, 4)
    assert (ENC20.aigc_len, ENC20.output_instances) == (18, 2)
    pixel = Encoding(input_len=16, output_len=768, input_scale=7, output_scale=7)
    assert (pixel.aigc_len, pixel.output_instances) == (672, 48)


def test_instances_round_trip_to_same_bytes_if_values_span_int8_and_7bit():
    prompt = ENC.encode_prompt([-128, 0, 127])
    aigc = ENC.encode_aigc([0, 127])
    assert ENC.split_instances(ENC.instances(prompt, aigc)) == (prompt, aigc)
    digits = [(i * 53) % 128 for i in range(20)]
    aigc20 = ENC20.encode_aigc(digits)
    assert ENC20.decode_aigc(aigc20) == digits
    assert ENC20.split_instances(ENC20.instances(b"\x01", aigc20)) == (b"\x01", aigc20)


def test_encode_prompt_writes_twos_complement_bytes_if_values_are_negative():
    assert ENC.encode_prompt([-1, -128, 5]) == bytes([0xFF, 0x80, 0x05])
    assert ENC.decode_prompt(bytes([0xFF, 0x80, 0x05])) == [-1, -128, 5]


def test_encode_aigc_writes_msb_first_7bit_string_if_values_are_digits():
    # 127 = 1111111, 1 = 0000001 -> 1111111 0000001 00 (2 padding bits)
    assert ENC.encode_aigc([127, 1]) == bytes([0b11111110, 0b00000100])
    assert ENC.decode_aigc(bytes([0b11111110, 0b00000100])) == [127, 1]


def test_output_instance_is_the_big_endian_chunk_if_digits_are_packed():
    digits = list(range(100, 120))
    aigc = ENC20.encode_aigc(digits)
    inst = ENC20.instances(b"\xff", aigc)
    assert inst[0] == FIELD_MODULUS - 1
    # What the circuit computes: Σ d_i · 128^(15−i), the last element zero-padded with digits.
    packed = [sum(d * 128 ** (15 - i) for i, d in enumerate((digits + [0] * 12)[k : k + 16])) for k in (0, 16)]
    assert inst[1:] == packed
    assert inst[1:] == [int.from_bytes(aigc[0:14], "big"), int.from_bytes(aigc[14:18] + bytes(10), "big")]


def test_instances_are_r_minus_abs_if_prompt_values_are_negative():
    inst = ENC.instances(ENC.encode_prompt([-1, 2, -128]), ENC.encode_aigc([0, 0]))
    assert inst == [FIELD_MODULUS - 1, 2, FIELD_MODULUS - 128, 0]


@pytest.mark.parametrize("length", [0, 2, 4])
def test_decode_prompt_raises_if_length_is_wrong(length):
    with pytest.raises(EncodingError):
        ENC.decode_prompt(bytes(length))


@pytest.mark.parametrize("length", [0, 1, 3, 4])
def test_decode_aigc_raises_if_length_is_wrong(length):
    with pytest.raises(EncodingError):
        ENC.decode_aigc(bytes(length))


@pytest.mark.parametrize("bit", range(4))
def test_decode_aigc_raises_if_padding_bit_is_set(bit):
    aigc = bytearray(ENC20.encode_aigc([127] * 20))
    aigc[-1] ^= 1 << bit  # the last 4 bits of 20·7 = 140 in 144 are padding
    with pytest.raises(EncodingError):
        ENC20.decode_aigc(bytes(aigc))
    with pytest.raises(EncodingError):
        ENC20.instances(b"\x00", bytes(aigc))


def test_encode_prompt_raises_if_value_exceeds_int8():
    with pytest.raises(EncodingError):
        ENC.encode_prompt([128, 0, 0])
    with pytest.raises(EncodingError):
        ENC.encode_prompt([0, -129, 0])


@pytest.mark.parametrize("value", [-1, 128, 255])
def test_encode_aigc_raises_if_value_is_not_a_7bit_digit(value):
    with pytest.raises(EncodingError):
        ENC.encode_aigc([value, 0])


def test_split_instances_raises_if_count_is_wrong():
    with pytest.raises(EncodingError):
        ENC.split_instances([0] * 5)


def test_split_instances_raises_if_instance_is_not_a_field_element():
    with pytest.raises(EncodingError):
        ENC.split_instances([FIELD_MODULUS, 0, 0, 0])


@pytest.mark.parametrize("element", [2**112, FIELD_MODULUS - 1, 1])
def test_split_instances_raises_if_output_element_is_not_packed_digits(element):
    # 2^112 and r − 1 do not fit 14 bytes; 1 sets a padding digit past the 2 digits of ENC.
    with pytest.raises(EncodingError):
        ENC.split_instances([0, 0, 0, element])


def test_field_conversion_round_trips_if_value_is_signed():
    for q in (-(2**200), -1, 0, 1, 2**200):
        assert from_field(to_field(q)) == q


def test_felt_from_ezkl_hex_reads_little_endian_if_hex_is_ezkl_json():
    assert felt_from_ezkl_hex("0x" + "01" + "00" * 31) == 1
    assert felt_from_ezkl_hex("00" * 31 + "01") == 1 << 248


def test_pixels_scale_127_to_255_if_values_are_digits():
    enc = Encoding(input_len=1, output_len=5, input_scale=7, output_scale=7)
    aigc = enc.encode_aigc([0, 1, 64, 126, 127])
    assert enc.pixels(aigc) == [0, 2, 128, 252, 255]


def test_quantize_latent_rounds_and_clamps_if_latent_is_out_of_range():
    assert ENC.quantize_latent([0.5, -2.0, 0.999]) == [64, -128, 127]


# --- the committed micro sample: the proof's instances are exactly what its bytes decode to ----------------
@pytest.fixture(scope="module")
def micro():
    art = ModelArtifacts("micro")
    sample = ProvenSample.from_json(json.loads((art.samples / "sample-0.json").read_text()))
    return art.encoding(), sample


def test_committed_sample_instances_equal_decoded_bytes_if_unchanged(micro):
    enc, sample = micro
    assert len(sample.prompt) == enc.prompt_len and len(sample.aigc) == enc.aigc_len
    assert enc.instances(sample.prompt, sample.aigc) == sample.instances


def test_any_bit_tampering_changes_instances_if_bit_is_flipped(micro):
    """Every bit of prompt and aigcData is bound: a flip either changes the public instances or is refused by the
    encoding itself (an 8-bit digit above 128, which no proof carries)."""
    enc, sample = micro
    data = sample.prompt + sample.aigc
    refused = 0
    for i in range(len(data)):
        for bit in range(8):
            tampered = bytearray(data)
            tampered[i] ^= 1 << bit
            p, a = bytes(tampered[: enc.prompt_len]), bytes(tampered[enc.prompt_len :])
            try:
                assert enc.instances(p, a) != sample.instances, f"byte {i} bit {bit} left instances unchanged"
            except EncodingError:
                refused += 1
    # Exactly the flips of a digit's top bit that take it above 128 (from 0 it lands on 128, a valid digit).
    assert refused == sum(1 for q in enc.decode_aigc(sample.aigc) if q ^ 0x80 > enc.digit_max)


def test_committed_sample_matches_ezkl_proof_json_layout_if_loaded(micro):
    _, sample = micro
    assert sample.proof[:1] != b"" and len(sample.proof) % 32 == 0
    assert all(0 <= i < FIELD_MODULUS for i in sample.instances)


def test_lengths_follow_8bit_packing_if_digits_are_bytes():
    assert (BYTE20.aigc_len, BYTE20.output_instances, BYTE20.bytes_per_instance, BYTE20.digit_max) == (20, 2, 15, 128)
    nouns = Encoding(input_len=5, output_len=3072, input_scale=7, output_scale=7, digit_bits=8, packed_prompt=True)
    assert (nouns.aigc_len, nouns.output_instances, nouns.num_instances) == (3072, 205, 206)


def test_output_instance_is_the_big_endian_15_byte_chunk_if_digits_are_8bit():
    digits = [128, 0, *range(100, 118)]
    aigc = BYTE20.encode_aigc(digits)
    assert aigc == bytes(digits)  # one byte per digit
    inst = BYTE20.instances(b"\x01", aigc)
    # What the circuit computes: Σ d_i · 256^(14−i), the last element zero-padded with digits.
    packed = [sum(d * 256 ** (14 - i) for i, d in enumerate((digits + [0] * 10)[k : k + 15])) for k in (0, 15)]
    assert inst[1:] == packed
    assert BYTE20.split_instances(inst) == (b"\x01", aigc)


@pytest.mark.parametrize("value", [-1, 129, 255])
def test_encode_aigc_raises_if_value_is_not_an_8bit_sigmoid_digit(value):
    with pytest.raises(EncodingError, match="outside the 8-bit digits"):
        BYTE20.encode_aigc([value] + [0] * 19)


def test_decode_aigc_raises_if_an_8bit_digit_is_above_128():
    with pytest.raises(EncodingError, match="above 128"):
        BYTE20.decode_aigc(bytes([129] + [0] * 19))


def test_pixels_scale_128_to_255_if_digits_are_8bit():
    assert BYTE20.pixels(bytes([0, 1, 64, 127, 128] + [0] * 15))[:5] == [0, 1, 127, 253, 255]


@pytest.mark.parametrize("bits", [0, 6, 9])
def test_encoding_raises_if_digit_width_is_not_7_or_8(bits):
    with pytest.raises(EncodingError, match="7 or 8 bits"):
        Encoding(input_len=1, output_len=1, input_scale=7, output_scale=7, digit_bits=bits)


def test_check_prompt_names_the_part_and_its_range_if_an_id_is_out_of_range():
    assert SPACE.check_prompt(bytes([2, 199])) == bytes([2, 199])
    with pytest.raises(EncodingError, match=r"prompt byte 1 \(head\) is 200, outside 0..199"):
        SPACE.decode_prompt(bytes([0, 200]))
    with pytest.raises(EncodingError, match=r"prompt byte 0 \(bg\) is 3, outside 0..2"):
        SPACE.instances(bytes([3, 0]), SPACE.encode_aigc([0, 0]))


def test_random_prompt_draws_valid_ids_if_the_model_has_a_prompt_space():
    from proofs.prompts import random_prompt

    prompts = {random_prompt(SPACE, seed=i) for i in range(200)}
    assert all(SPACE.check_prompt(p) for p in prompts)
    assert max(p[1] for p in prompts) > 150 and {p[0] for p in prompts} == {0, 1, 2}
