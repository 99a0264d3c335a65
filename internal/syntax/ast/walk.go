package ast

import "reflect"

// Inspect calls f for n and, while f returns true, for every node below it in
// field order. Nil children are skipped. It finds children by reflection, so
// a node type added to the tree is walked without changes here.
func Inspect(n Node, f func(Node) bool) {
	inspect(reflect.ValueOf(n), f)
}

var nodeType = reflect.TypeOf((*Node)(nil)).Elem()

func inspect(v reflect.Value, f func(Node) bool) {
	if (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && v.IsNil() {
		return
	}
	if v.Type().Implements(nodeType) && v.Kind() != reflect.Struct {
		if !f(v.Interface().(Node)) {
			return
		}
	}
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			fv := v.Field(i)
			if !v.Type().Field(i).IsExported() || fv.Type() == posType {
				continue
			}
			if fv.Kind() == reflect.Struct && fv.CanAddr() && fv.Addr().Type().Implements(nodeType) {
				inspect(fv.Addr(), f) // KeyPart values inside a slice
				continue
			}
			inspect(fv, f)
		}
	case reflect.Slice:
		for i := range v.Len() {
			elem := v.Index(i)
			if elem.Kind() == reflect.Struct && elem.Addr().Type().Implements(nodeType) {
				inspect(elem.Addr(), f)
				continue
			}
			inspect(elem, f)
		}
	}
}
