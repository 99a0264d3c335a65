package idl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Encode returns the JSON form of s: indented by two spaces, keys in
// declaration order, ending with a newline. Equal schemas encode to equal
// bytes.
func Encode(s *Schema) ([]byte, error) {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	out := make([]byte, 0, compact.Len()*3/2)
	return indent(out, compact.Bytes()), nil
}

// indent appends src, compact JSON from encoding/json, to dst indented by
// two spaces per level: the same bytes as json.Indent(dst, src, "", "  ").
// json.Indent runs its validating scanner over every byte and took two
// thirds of Encode's time on a 1,000-model schema (bench/); valid input
// lets this copy whole strings and literals at a time.
func indent(dst, src []byte) []byte {
	depth := 0
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, ' ', ' ')
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch c {
		case '"':
			end := i + 1
			for src[end] != '"' {
				if src[end] == '\\' {
					end++
				}
				end++
			}
			dst = append(dst, src[i:end+1]...)
			i = end + 1
			continue
		case '{', '[':
			dst = append(dst, c)
			if next := src[i+1]; next == '}' || next == ']' {
				dst = append(dst, next)
				i += 2
				continue
			}
			depth++
			newline()
		case '}', ']':
			depth--
			newline()
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, ':', ' ')
		default:
			dst = append(dst, c)
		}
		i++
	}
	return dst
}

// Decode reads a schema written by Encode.
func Decode(data []byte) (*Schema, error) {
	var s Schema
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// tableShape is what a model's hash covers: everything that decides its
// table and nothing else, so that editing a validator or an API does not
// look like a schema change to migrations.
type tableShape struct {
	Name        string
	Backing     *Backing
	PrimaryKey  []typedName
	Columns     []typedName
	ForeignKeys []*ForeignKey
	Uniques     [][]string
}

type typedName struct{ Name, Type string }

func typedNames(fs []*Field) []typedName {
	out := make([]typedName, len(fs))
	for i, f := range fs {
		out[i] = typedName{f.Name, f.Type.String()}
	}
	return out
}

// SetHashes computes every model's hash, and the schema's over them. A
// model without a table has an empty hash.
func (s *Schema) SetHashes() {
	all := sha256.New()
	for _, m := range s.Models {
		m.Hash = ""
		if !m.HasSQL() {
			continue
		}
		shape, _ := json.Marshal(tableShape{m.Name, m.Backing, typedNames(m.PrimaryKey),
			typedNames(m.Columns), m.ForeignKeys, m.Uniques})
		m.Hash = shortHash(shape)
		all.Write([]byte(m.Hash))
	}
	s.Hash = hex.EncodeToString(all.Sum(nil))[:16]
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
