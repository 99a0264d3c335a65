package cli

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pelletier/go-toml/v2"
	"github.com/tailscale/hujson"

	"github.com/cloesce-go/cloesce/internal/config"
	"github.com/cloesce-go/cloesce/internal/gen/wrangler"
)

// A localD1 is where wrangler keeps a D1 database for wrangler dev and
// "wrangler d1 migrations apply --local", as the project's wrangler config
// says.
type localD1 struct {
	// path is the SQLite file, "" when the wrangler config does not bind
	// the database (so wrangler never made one).
	path string
	// table records the applied migrations: migrations_table, by default
	// d1_migrations, one row per file by its name.
	table string
}

// defaultMigrationsTable is the table wrangler records applied migrations
// in unless the config sets migrations_table.
const defaultMigrationsTable = "d1_migrations"

// d1Binding is a D1 entry of the wrangler config, in either format.
type d1Binding struct {
	Binding         string `json:"binding" toml:"binding"`
	DatabaseID      any    `json:"database_id" toml:"database_id"`
	PreviewID       any    `json:"preview_database_id" toml:"preview_database_id"`
	MigrationsTable string `json:"migrations_table" toml:"migrations_table"`
}

// d1Config is the part of the wrangler config that places D1 databases.
type d1Config struct {
	D1  []d1Binding `json:"d1_databases" toml:"d1_databases"`
	Env map[string]struct {
		D1 []d1Binding `json:"d1_databases" toml:"d1_databases"`
	} `json:"env" toml:"env"`
}

// findLocalD1 finds the local database of D1 binding in the environment
// envName ("" for the top level): the file wrangler's Miniflare keeps under
// .wrangler/state next to the config, named after the Durable Object that
// Miniflare serves the database with (see d1ObjectID). The file may not
// exist yet.
func findLocalD1(cfg *config.Config, envName, binding string) (localD1, error) {
	path := filepath.Join(cfg.Root, wrangler.FileName(cfg.WranglerConfigFormat))
	text, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return localD1{table: defaultMigrationsTable}, nil
	}
	if err != nil {
		return localD1{}, err
	}
	var c d1Config
	if cfg.WranglerConfigFormat == "toml" {
		err = toml.Unmarshal(text, &c)
	} else {
		var v hujson.Value
		if v, err = hujson.Parse(bytes.Clone(text)); err == nil {
			v.Standardize()
			err = json.Unmarshal(v.Pack(), &c)
		}
	}
	if err != nil {
		return localD1{}, fmt.Errorf("reading the D1 databases of %s: %v", filepath.ToSlash(path), err)
	}
	entries := c.D1
	if envName != "" {
		entries = c.Env[envName].D1 // wrangler's environments do not inherit bindings
	}
	for _, b := range entries {
		if b.Binding != binding {
			continue
		}
		// wrangler dev and d1 migrations apply --local both name the
		// database by its preview id, else its id, else its binding.
		id := binding
		for _, v := range []any{b.PreviewID, b.DatabaseID} {
			if s, ok := v.(string); ok {
				id = s
				break
			}
		}
		table := b.MigrationsTable
		if table == "" {
			table = defaultMigrationsTable
		}
		dir := filepath.Join(cfg.Root, ".wrangler", "state", "v3", "d1", "miniflare-D1DatabaseObject")
		return localD1{path: filepath.Join(dir, d1ObjectID(id)+".sqlite"), table: table}, nil
	}
	return localD1{table: defaultMigrationsTable}, nil
}

// d1ObjectID is the hex id of the Durable Object that Miniflare keeps the
// local D1 database with id in, and names its file after: workerd's
// idFromName in the namespace "miniflare-D1DatabaseObject". Its first 16
// bytes are the HMAC-SHA256 of the name keyed with the SHA-256 of the
// namespace, the last 16 the HMAC of those.
func d1ObjectID(id string) string {
	key := sha256.Sum256([]byte("miniflare-D1DatabaseObject"))
	mac := func(data []byte) []byte {
		h := hmac.New(sha256.New, key[:])
		h.Write(data)
		return h.Sum(nil)[:16]
	}
	base := mac([]byte(id))
	return hex.EncodeToString(append(base, mac(base)...))
}
