package parser

import (
	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
	"github.com/cloesce-go/cloesce/internal/syntax/token"
)

// keyFormat splits a key template into text and placeholders. In a
// double-quoted string "{name}" is a placeholder; in a backquoted one, as in
// JavaScript, "${name}" is, and a lone "{" is text. A "}" outside a
// placeholder is text in both.
func (p *parser) keyFormat(t token.Token) *ast.KeyFormat {
	lit := &ast.Literal{Pos: ast.Pos{S: p.tokSpan(t)}, Kind: t.Kind, Raw: p.text(t)}
	kf := &ast.KeyFormat{Lit: lit}
	body := lit.Value()
	base := t.Start + 1 // offset of body[0] in the file
	opener := "{"
	if t.Kind == token.Template {
		opener = "${"
	}
	textStart := 0
	flushText := func(end int) {
		if end > textStart {
			kf.Parts = append(kf.Parts, ast.KeyPart{Pos: ast.Pos{S: p.span(base+textStart, base+end)}, Text: body[textStart:end]})
		}
	}
	for i := 0; i < len(body); {
		if !hasPrefixAt(body, i, opener) {
			i++
			continue
		}
		open := i
		nameStart := i + len(opener)
		j := nameStart
		for j < len(body) && body[j] != '}' && body[j] != '{' {
			j++
		}
		switch {
		case j == len(body):
			p.diags.Errorf(diag.KeyUnclosedBrace, p.span(base+open, base+nameStart), "unclosed placeholder in key format").
				Labelled("this '{' is never closed").
				Helpf("close it with '}', as in \"users/{id}\"")
			return nil
		case body[j] == '{':
			p.diags.Errorf(diag.KeyNestedBrace, p.span(base+j, base+j+1), "nested '{' in key format").
				Labelled("placeholder already open").
				Also(p.span(base+open, base+nameStart), "placeholder opened here")
			return nil
		}
		name := body[nameStart:j]
		span := p.span(base+open, base+j+1)
		if name == "" || trimBlank(name) == "" {
			p.diags.Errorf(diag.KeyEmptyPlaceholder, span, "empty placeholder in key format").
				Labelled("expected a parameter name inside")
			return nil
		}
		if !token.IsIdentifier(name) {
			p.diags.Errorf(diag.KeyBadPlaceholder, span, "placeholder %q is not a parameter name", name).
				Labelled("expected a name such as {id}").
				Notef("placeholders name a parameter of the template; write literal braces outside one")
			return nil
		}
		flushText(open)
		kf.Parts = append(kf.Parts, ast.KeyPart{Pos: ast.Pos{S: span}, Text: name, Param: true})
		i = j + 1
		textStart = i
	}
	flushText(len(body))
	return kf
}

func hasPrefixAt(s string, i int, prefix string) bool {
	return len(s)-i >= len(prefix) && s[i:i+len(prefix)] == prefix
}

func trimBlank(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
