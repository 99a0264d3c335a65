package sema

import (
	"slices"
	"testing"

	"github.com/cloesce-go/cloesce/internal/idl"
)

// TestOnlyD1Backing checks that a table written without "for" is stored
// in the schema's only D1 database, exactly as if "for Db" were written:
// the description carries the backing, and foreign keys and navigations
// join it with models that name the database.
func TestOnlyD1Backing(t *testing.T) {
	s := analyze(t, `
d1 { Db }

model File {
    primary { id: int }
    foreign Folder::id { folderId }
    nav Folder::id(folderId) { folder }
}

model Folder for Db {
    primary { id: int }
    nav File::folderId { files }
}

model Service {}

model Page {
    route { slug: string }
}
`)
	for _, name := range []string{"File", "Folder"} {
		m := model(s, name)
		if m.Backing == nil || m.Backing.Binding != "Db" || m.Backing.Kind != idl.D1Backing {
			t.Errorf("%s: backing = %+v, want D1 database Db", name, m.Backing)
		}
	}
	for _, name := range []string{"Service", "Page"} {
		if m := model(s, name); m.Backing != nil {
			t.Errorf("%s: backing = %+v, want none: it has no table", name, m.Backing)
		}
	}
	file := model(s, "File")
	if got := file.Source(DefaultSource).Get.Injected; !slices.Equal(got, []string{"Db"}) {
		t.Errorf("File's Default get injects %v, want [Db]", got)
	}
	if file.Source(DefaultSource).List == nil {
		t.Error("File has no generated list method")
	}
}

// TestIntFillsStringKey checks that an int column or parameter fills a
// string key parameter or shard field, keeping the int type and adding
// no string validators to it.
func TestIntFillsStringKey(t *testing.T) {
	s := analyze(t, `
d1 { MyDb }

kv MyNamespace {
    profile(userId: string) -> json {
        "profile/{userId}"
    }
}

durable CounterDo {
    shard { tenant: string }
}

model User for MyDb {
    primary { id: int }
    kv MyNamespace::profile(id) { profile }
}

model Counter {}

api Counter {
    [inject CounterDo(tenant)]
    put increment(tenant: int) -> int
}
`)
	user := model(s, "User")
	if len(user.KV) != 1 || user.KV[0].Key != "profile/{id}" {
		t.Fatalf("User's KV fields = %+v, want profile keyed by profile/{id}", user.KV)
	}
	if id := user.PrimaryKey[0]; id.Type.Kind != idl.Int || len(id.Validators) != 0 {
		t.Errorf("User.id = %s %v, want int without validators", id.Type, id.Validators)
	}
	inc := model(s, "Counter").APIs[0]
	if inc.Durable == nil || !slices.Equal(inc.Durable.Args, []string{"tenant"}) || inc.Params[0].Type.Kind != idl.Int {
		t.Errorf("increment = %s with %s tenant, want int tenant run in CounterDo(tenant)", signature(inc), inc.Params[0].Type)
	}
}
