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
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
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
