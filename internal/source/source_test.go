package source

import "testing"

func TestPosition(t *testing.T) {
	f := NewFile("a.clo", "ab\ncé d\r\n\nx")
	tests := []struct {
		off        int
		line, col  int
		lineText   string
		wantString string
	}{
		{0, 1, 1, "ab", "a.clo:1:1"},
		{2, 1, 3, "ab", "a.clo:1:3"}, // the newline itself
		{3, 2, 1, "cé d", "a.clo:2:1"},
		{6, 2, 3, "cé d", "a.clo:2:3"}, // columns count code points: é is 2 bytes
		{10, 3, 1, "", "a.clo:3:1"},
		{11, 4, 1, "x", "a.clo:4:1"},
		{12, 4, 2, "x", "a.clo:4:2"}, // end of file
		{99, 4, 2, "x", "a.clo:4:2"}, // clamped
	}
	for _, tt := range tests {
		p := f.Position(tt.off)
		if p.Line != tt.line || p.Column != tt.col || p.String() != tt.wantString {
			t.Errorf("Position(%d) = %d:%d %q, want %d:%d %q", tt.off, p.Line, p.Column, p, tt.line, tt.col, tt.wantString)
		}
		if got := f.Line(p.Line); got != tt.lineText {
			t.Errorf("Line(%d) = %q, want %q (no line terminator)", p.Line, got, tt.lineText)
		}
	}
	if got := (Span{f, 1, 2}).To(Span{f, 5, 7}); got != (Span{f, 1, 7}) {
		t.Errorf("To = %v, want 1..7", got)
	}
	if got := (Span{}).String(); got != "-" {
		t.Errorf("zero Span prints %q, want \"-\"", got)
	}
	if got := (Span{File: f, Start: 3, End: 7}).Text(); got != "cé " {
		t.Errorf("Span.Text = %q", got)
	}
}
