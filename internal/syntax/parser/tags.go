package parser

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/suggest"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// validators are the tags that take one literal argument.
var validators = []string{"gt", "gte", "lt", "lte", "step", "len", "minlen", "maxlen", "regex"}

// flags are the tags without arguments.
var flags = []string{"internal", "instance", "index", "cascade", "header"}

var tagNames = slices.Concat([]string{"crud", "inject", "internal", "instance", "source", "index", "cascade", "header"}, validators)

// tags parses a run of "[...]" tags. It reports false when a tag was
// malformed; the caller then gives up on the item the tags belong to.
func (p *parser) tags() ([]ast.Tag, bool) {
	var tags []ast.Tag
	ok := true
	for p.tok().Kind == token.LBrack {
		t := p.tag()
		if t == nil {
			ok = false
			continue
		}
		tags = append(tags, t)
	}
	return tags, ok
}

// tag parses one tag. After an error it skips to the tag's ']' if that is on
// the same line.
func (p *parser) tag() ast.Tag {
	open := p.next()
	t := p.tagBody(open.Start)
	if t == nil {
		p.skipTag()
		return nil
	}
	return t
}

func (p *parser) tagBody(start int) ast.Tag {
	tok := p.tok()
	if tok.Kind != token.Ident {
		p.expected("a tag name", "after '['")
		return nil
	}
	name := p.ident("", "")
	var tag ast.Tag
	switch word := name.Name; {
	case slices.Contains(validators, word):
		lit := p.tok()
		if !lit.Kind.IsLiteral() || lit.Kind == token.Template {
			d := p.expected("a literal", "after '"+word+"'")
			if word == "regex" {
				d.Helpf("write the pattern between slashes: [regex /^[a-z]+$/]")
			} else {
				d.Helpf("write a number: [%s 10]", word)
			}
			return nil
		}
		p.next()
		tag = &ast.ValidatorTag{Name: name, Value: &ast.Literal{Pos: ast.Pos{S: p.tokSpan(lit)}, Kind: lit.Kind, Raw: p.text(lit)}}
	case word == "crud":
		var kinds []*ast.Ident
		for p.tok().Kind == token.Ident {
			kinds = append(kinds, p.ident("", ""))
			if p.tok().Kind != token.Comma {
				break
			}
			p.next()
		}
		tag = &ast.CrudTag{Name: name, Kinds: kinds}
	case word == "inject":
		var entries []*ast.InjectEntry
		for p.tok().Kind == token.Ident {
			e := p.injectEntry()
			if e == nil {
				return nil
			}
			entries = append(entries, e)
			if p.tok().Kind != token.Comma {
				break
			}
			p.next()
		}
		tag = &ast.InjectTag{Name: name, Entries: entries}
	case slices.Contains(flags, word):
		tag = &ast.FlagTag{Name: name}
	case word == "source":
		src := p.ident("a data source name", "after 'source'")
		if src == nil {
			return nil
		}
		tag = &ast.SourceTag{Name: name, Source: src}
	default:
		d := p.diags.Errorf(diag.UnknownTag, name.Span(), "unknown tag '%s'", word).
			Labelled("not a tag")
		if s, ok := suggest.Closest(word, tagNames); ok {
			d.Helpf("did you mean '%s'?", s)
		} else {
			d.Helpf("the tags are %s", strings.Join(tagNames, ", "))
		}
		p.lastErr = p.i
		return nil
	}
	if p.tok().Kind != token.RBrack {
		p.expected("']'", fmt.Sprintf("to close the '%s' tag", name.Name))
		return nil
	}
	p.next()
	setPos(tag, p.from(start))
	return tag
}

func setPos(t ast.Tag, pos ast.Pos) {
	switch t := t.(type) {
	case *ast.ValidatorTag:
		t.Pos = pos
	case *ast.CrudTag:
		t.Pos = pos
	case *ast.InjectTag:
		t.Pos = pos
	case *ast.FlagTag:
		t.Pos = pos
	case *ast.SourceTag:
		t.Pos = pos
	}
}

// injectEntry parses "Name" or the Durable Object context form "Name(a, b)".
func (p *parser) injectEntry() *ast.InjectEntry {
	name := p.ident("", "")
	e := &ast.InjectEntry{Name: name}
	if p.tok().Kind == token.LParen {
		e.Context = true
		args := p.identList("a parameter name", "in the arguments of '"+name.Name+"'")
		if args == nil {
			return nil
		}
		e.Args = args.Names
	}
	e.Pos = p.from(name.Span().Start)
	return e
}

// skipTag skips to the ']' ending a malformed tag if it is on this line, and
// consumes it.
func (p *parser) skipTag() {
	for {
		t := p.tok()
		if t.Kind == token.EOF || t.LineStart {
			return
		}
		p.next()
		if t.Kind == token.RBrack {
			return
		}
	}
}
