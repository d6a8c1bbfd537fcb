package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Limits that keep a malformed file from making the reader allocate without bound.
const (
	maxStringLen = 1 << 20
	maxArrayLen  = 1 << 24
	maxCount     = 1 << 20
	maxDims      = 4
)

// File is the parsed header of a GGUF file.
type File struct {
	Version    uint32
	Metadata   map[string]any // uint8..float64, bool, string, or []any for arrays
	Keys       []string       // metadata keys in file order
	Tensors    []TensorInfo
	DataOffset int64 // where tensor data starts, from the start of the file
}

// TensorInfo describes one tensor; Offset is relative to File.DataOffset.
type TensorInfo struct {
	Name   string
	Dims   []uint64
	Type   uint32
	Offset uint64
}

// Elems is the number of values in the tensor.
func (t TensorInfo) Elems() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Tensor returns the info of the named tensor.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return TensorInfo{}, false
}

// Read parses a GGUF header (metadata and tensor infos) from r, leaving the
// tensor data unread.
func Read(r io.Reader) (*File, error) {
	d := &dec{r: bufio.NewReader(r)}
	f, err := d.file()
	if err != nil {
		return nil, fmt.Errorf("read gguf at byte %d: %w", d.n, err)
	}
	return f, nil
}

// ReadF32 reads an f32 tensor's values from a whole GGUF file held by r.
func (f *File) ReadF32(r io.ReaderAt, t TensorInfo) ([]float32, error) {
	if t.Type != GGMLTypeF32 {
		return nil, fmt.Errorf("tensor %s: type %d is not f32", t.Name, t.Type)
	}
	n := t.Elems()
	if n > maxArrayLen*4 {
		return nil, fmt.Errorf("tensor %s: %d values is too many", t.Name, n)
	}
	buf := make([]byte, n*4)
	if _, err := r.ReadAt(buf, f.DataOffset+int64(t.Offset)); err != nil {
		return nil, fmt.Errorf("tensor %s: %w", t.Name, err)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[i*4:]))
	}
	return out, nil
}

type dec struct {
	r   *bufio.Reader
	n   int64
	buf [8]byte
}

func (d *dec) file() (*File, error) {
	magic, err := d.bytes(4)
	if err != nil {
		return nil, err
	}
	if string(magic) != Magic {
		return nil, fmt.Errorf("not a GGUF file (magic %q)", magic)
	}
	f := &File{Metadata: map[string]any{}}
	if f.Version, err = d.u32(); err != nil {
		return nil, err
	}
	if f.Version != 3 {
		return nil, fmt.Errorf("GGUF version %d not supported (want 3)", f.Version)
	}
	nt, err := d.count()
	if err != nil {
		return nil, err
	}
	nkv, err := d.count()
	if err != nil {
		return nil, err
	}
	for i := uint64(0); i < nkv; i++ {
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		typ, err := d.u32()
		if err != nil {
			return nil, err
		}
		v, err := d.value(typ, true)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
		if _, dup := f.Metadata[k]; dup {
			return nil, fmt.Errorf("duplicate key %q", k)
		}
		f.Metadata[k] = v
		f.Keys = append(f.Keys, k)
	}
	for i := uint64(0); i < nt; i++ {
		t, err := d.tensor()
		if err != nil {
			return nil, err
		}
		f.Tensors = append(f.Tensors, t)
	}
	al := uint64(Alignment)
	if v, ok := f.Metadata["general.alignment"].(uint32); ok && v > 0 {
		al = uint64(v)
	}
	f.DataOffset = int64((uint64(d.n) + al - 1) / al * al)
	return f, nil
}

func (d *dec) tensor() (TensorInfo, error) {
	var t TensorInfo
	var err error
	if t.Name, err = d.str(); err != nil {
		return t, err
	}
	nd, err := d.u32()
	if err != nil {
		return t, err
	}
	if nd == 0 || nd > maxDims {
		return t, fmt.Errorf("tensor %q: %d dimensions", t.Name, nd)
	}
	for j := uint32(0); j < nd; j++ {
		v, err := d.u64()
		if err != nil {
			return t, err
		}
		t.Dims = append(t.Dims, v)
	}
	if t.Type, err = d.u32(); err != nil {
		return t, err
	}
	t.Offset, err = d.u64()
	return t, err
}

func (d *dec) bytes(n int) ([]byte, error) {
	b := make([]byte, n)
	k, err := io.ReadFull(d.r, b)
	d.n += int64(k)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

func (d *dec) fixed(n int) ([]byte, error) {
	k, err := io.ReadFull(d.r, d.buf[:n])
	d.n += int64(k)
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return d.buf[:n], err
}

func (d *dec) u32() (uint32, error) {
	b, err := d.fixed(4)
	return binary.LittleEndian.Uint32(b), err
}

func (d *dec) u64() (uint64, error) {
	b, err := d.fixed(8)
	return binary.LittleEndian.Uint64(b), err
}

func (d *dec) count() (uint64, error) {
	n, err := d.u64()
	if err == nil && n > maxCount {
		err = fmt.Errorf("count %d exceeds %d", n, maxCount)
	}
	return n, err
}

func (d *dec) str() (string, error) {
	n, err := d.u64()
	if err != nil {
		return "", err
	}
	if n > maxStringLen {
		return "", fmt.Errorf("string length %d exceeds %d", n, maxStringLen)
	}
	b, err := d.bytes(int(n))
	return string(b), err
}

// value reads one metadata value of type typ; arrays of arrays are refused.
func (d *dec) value(typ uint32, allowArray bool) (any, error) {
	switch typ {
	case TypeUint8, TypeInt8, TypeBool:
		b, err := d.fixed(1)
		switch typ {
		case TypeUint8:
			return b[0], err
		case TypeInt8:
			return int8(b[0]), err
		}
		return b[0] != 0, err
	case TypeUint16, TypeInt16:
		b, err := d.fixed(2)
		v := binary.LittleEndian.Uint16(b)
		if typ == TypeInt16 {
			return int16(v), err
		}
		return v, err
	case TypeUint32, TypeInt32, TypeFloat32:
		v, err := d.u32()
		switch typ {
		case TypeInt32:
			return int32(v), err
		case TypeFloat32:
			return math.Float32frombits(v), err
		}
		return v, err
	case TypeUint64, TypeInt64, TypeFloat64:
		v, err := d.u64()
		switch typ {
		case TypeInt64:
			return int64(v), err
		case TypeFloat64:
			return math.Float64frombits(v), err
		}
		return v, err
	case TypeString:
		return d.str()
	case TypeArray:
		if !allowArray {
			return nil, errors.New("nested arrays are not supported")
		}
		return d.array()
	}
	return nil, fmt.Errorf("unknown value type %d", typ)
}

func (d *dec) array() ([]any, error) {
	elem, err := d.u32()
	if err != nil {
		return nil, err
	}
	n, err := d.u64()
	if err != nil {
		return nil, err
	}
	if n > maxArrayLen {
		return nil, fmt.Errorf("array length %d exceeds %d", n, maxArrayLen)
	}
	out := make([]any, 0, min(n, 4096))
	for i := uint64(0); i < n; i++ {
		v, err := d.value(elem, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
