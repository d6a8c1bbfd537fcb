// Package doctor reports what a node offers for benchmarking: the NVIDIA
// driver and GPUs (through collectors/nvml), the host's CPU and memory
// (through gopsutil), and whether a model server answers at a URL, which API
// it speaks (Ollama native, OpenAI-compatible), its version and its models.
package doctor
