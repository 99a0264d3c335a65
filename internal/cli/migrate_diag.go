package cli

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cloesce-go/cloesce/internal/diag"
	"github.com/cloesce-go/cloesce/internal/migrate"
	"github.com/cloesce-go/cloesce/internal/source"
	"github.com/cloesce-go/cloesce/internal/syntax/ast"
)

// reportRefusal reports err, a migration planBinding refused to plan, as
// diagnostics pointing into the schema files or the snapshot concerned.
// It returns false for any other error, an I/O failure, which stays an
// error.
func reportRefusal(err error, files []*ast.File, diags *diag.List) bool {
	var (
		unresolved *migrate.UnresolvedError
		missing    *migrate.MissingError
		snapshot   *snapshotError
		input      *inputError
	)
	switch {
	case errors.As(err, &unresolved):
		reportQuestions(unresolved, files, diags)
	case errors.As(err, &missing):
		for _, m := range missing.Missing {
			span, _ := columnSpan(files, m.Target.Table, m.Target.Column)
			d := diags.Errorf(diag.MigrationValue, span, "%s", m.Message)
			if m.Help != "" {
				d.Helpf("%s", m.Help)
			}
		}
	case errors.As(err, &snapshot):
		file := source.NewFile(filepath.ToSlash(snapshot.path), snapshot.text)
		diags.Errorf(diag.MigrationSnapshot, snapshotSpan(file, snapshot.err), "%v", snapshot.err)
	case errors.As(err, &input):
		diags.Errorf(diag.MigrationRefused, source.Span{}, "%v", input.error)
	default:
		return false
	}
	return true
}

// reportQuestions reports the rename questions no terminal could answer,
// each at the new model or column it may have become.
func reportQuestions(u *migrate.UnresolvedError, files []*ast.File, diags *diag.List) {
	for _, q := range u.Questions {
		spans := make([]source.Span, max(1, len(q.Options)))
		for i, o := range q.Options {
			if q.Column == "" {
				spans[i] = modelSpan(files, o)
			} else {
				spans[i], _ = columnSpan(files, q.Table, o)
			}
		}
		gone := strconv.Quote(q.Column)
		if q.Column == "" {
			gone = strconv.Quote(q.Table)
		}
		d := diags.Errorf(diag.MigrationRename, spans[0], "%s", q).
			Labelled("renamed from %s?", gone)
		for _, s := range spans[1:] {
			d.Also(s, "or from it?")
		}
		d.Notef("without a terminal to ask, cloesce cannot tell a rename from a drop (%s %q)", migrate.KindName(u.Kind), u.Binding).
			Helpf("%s", q.Help())
	}
}

// reportLosses reports every step of jobs that destroys data, for a
// migrate without --allow-data-loss and no terminal to ask.
func reportLosses(jobs []*migration, files []*ast.File, diags *diag.List) {
	for _, m := range jobs {
		for _, l := range m.plan.Loses() {
			var span source.Span
			if l.Target.Column == "" {
				span = modelSpan(files, l.Target.Table)
			} else {
				span, _ = columnSpan(files, l.Target.Table, l.Target.Column)
			}
			diags.Errorf(diag.MigrationDataLoss, span, "the migration of %s %q destroys %s", migrate.KindName(m.plan.Kind), m.plan.Binding, l.What).
				Notef("nothing was written").
				Helpf("rerun with --allow-data-loss to write the migrations anyway, or --dry-run to review them")
		}
	}
}

// snapshotSpan points at what a snapshot error names: the table it is
// about when the message names one and the file has it, else the file's
// start.
func snapshotSpan(file *source.File, err error) source.Span {
	msg := err.Error()
	if i := strings.Index(msg, "table \""); i >= 0 {
		if name, err := strconv.QuotedPrefix(msg[i+len("table "):]); err == nil {
			if j := strings.Index(file.Text, `"name": `+name); j >= 0 {
				j += len(`"name": `)
				return source.Span{File: file, Start: j, End: j + len(name)}
			}
		}
	}
	return source.Span{File: file}
}
