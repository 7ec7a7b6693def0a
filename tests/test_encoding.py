"""The prompt/aigcData <-> public instances encoding (docs/encoding.md), against the committed micro sample."""

import json

import pytest

from proofs.encoding import FIELD_MODULUS, Encoding, EncodingError, felt_from_ezkl_hex, from_field, to_field
from proofs.pipeline import ModelArtifacts, ProvenSample

ENC = Encoding(input_len=3, output_len=2, input_scale=7, output_scale=7)


def test_instances_round_trip_to_same_bytes_if_values_span_int8_and_int16():
    prompt = ENC.encode_prompt([-128, 0, 127])
    aigc = ENC.encode_aigc([-32768, 32767])
    assert ENC.split_instances(ENC.instances(prompt, aigc)) == (prompt, aigc)


def test_encode_prompt_writes_twos_complement_bytes_if_values_are_negative():
    assert ENC.encode_prompt([-1, -128, 5]) == bytes([0xFF, 0x80, 0x05])
    assert ENC.decode_prompt(bytes([0xFF, 0x80, 0x05])) == [-1, -128, 5]


def test_encode_aigc_writes_big_endian_int16_if_values_are_signed():
    assert ENC.encode_aigc([-2, 258]) == bytes([0xFF, 0xFE, 0x01, 0x02])
    assert ENC.decode_aigc(bytes([0xFF, 0xFE, 0x01, 0x02])) == [-2, 258]


def test_instances_are_r_minus_abs_if_values_are_negative():
    inst = ENC.instances(ENC.encode_prompt([-1, 2, -128]), ENC.encode_aigc([-300, 0]))
    assert inst == [FIELD_MODULUS - 1, 2, FIELD_MODULUS - 128, FIELD_MODULUS - 300, 0]


@pytest.mark.parametrize("length", [0, 2, 4])
def test_decode_prompt_raises_if_length_is_wrong(length):
    with pytest.raises(EncodingError):
        ENC.decode_prompt(bytes(length))


@pytest.mark.parametrize("length", [0, 3, 5, 6])
def test_decode_aigc_raises_if_length_is_wrong(length):
    with pytest.raises(EncodingError):
        ENC.decode_aigc(bytes(length))


def test_encode_prompt_raises_if_value_exceeds_int8():
    with pytest.raises(EncodingError):
        ENC.encode_prompt([128, 0, 0])
    with pytest.raises(EncodingError):
        ENC.encode_prompt([0, -129, 0])


def test_encode_aigc_raises_if_value_exceeds_int16():
    with pytest.raises(EncodingError):
        ENC.encode_aigc([32768, 0])


def test_split_instances_raises_if_count_is_wrong():
    with pytest.raises(EncodingError):
        ENC.split_instances([0] * 4)


def test_split_instances_raises_if_instance_is_not_a_field_element():
    with pytest.raises(EncodingError):
        ENC.split_instances([FIELD_MODULUS, 0, 0, 0, 0])


def test_split_instances_raises_if_instance_exceeds_int16():
    with pytest.raises(EncodingError):
        ENC.split_instances([0, 0, 0, 40000, 0])


def test_field_conversion_round_trips_if_value_is_signed():
    for q in (-(2**200), -1, 0, 1, 2**200):
        assert from_field(to_field(q)) == q


def test_felt_from_ezkl_hex_reads_little_endian_if_hex_is_ezkl_json():
    assert felt_from_ezkl_hex("0x" + "01" + "00" * 31) == 1
    assert felt_from_ezkl_hex("00" * 31 + "01") == 1 << 248


def test_pixels_clamp_and_scale_if_values_leave_unit_range():
    enc = Encoding(input_len=1, output_len=5, input_scale=7, output_scale=7)
    aigc = enc.encode_aigc([-5, 0, 64, 128, 300])
    assert enc.pixels(aigc) == [0, 0, 127, 255, 255]


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


def test_any_byte_tampering_changes_instances_if_byte_is_flipped(micro):
    enc, sample = micro
    data = sample.prompt + sample.aigc
    for i in range(len(data)):
        for bit in (0x01, 0x80):
            tampered = bytearray(data)
            tampered[i] ^= bit
            p, a = bytes(tampered[: enc.prompt_len]), bytes(tampered[enc.prompt_len :])
            assert enc.instances(p, a) != sample.instances, f"byte {i} bit {bit:#x} left instances unchanged"


def test_committed_sample_matches_ezkl_proof_json_layout_if_loaded(micro):
    _, sample = micro
    assert sample.proof[:1] != b"" and len(sample.proof) % 32 == 0
    assert all(0 <= i < FIELD_MODULUS for i in sample.instances)
