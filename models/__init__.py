"""zkaigc models: small PyTorch generators sized for proving on a CPU, their training, quantization and ONNX export."""
