package keitaro

import (
	"html"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vendoremu/vendoremu/wire"
)

// The file editor of local landing pages and offers (§0): each object has
// a folder of files, stored in SQLite with the object, copied by clone and
// gone with the tenant. Folders are implied by the files' paths.

// maxFileSize bounds one file's content (1 MiB).
const maxFileSize = 1 << 20

// maxPath bounds a file's path.
const maxPath = maxURL

// A fileOwner is a kind of object that has files.
type fileOwner struct {
	entity *entity
	folder string // prefix of the root folder's name: "landing_27"
}

var (
	landingFiles = fileOwner{landingPages, "landing"}
	offerFiles   = fileOwner{offers, "offer"}
)

// object finds the path's object (any state, as its other routes do).
func (o fileOwner) object(c *call) error {
	_, err := o.entity.load(c, c.id)
	return err
}

// filePath reads the path parameter: relative, without "." or ".."
// segments, empty segments, backslashes or NUL bytes.
func filePath(c *call) (string, error) {
	raw, sent := c.in["path"]
	if !sent || raw == nil || raw == "" {
		return "", invalid("path", msgRequired)
	}
	p, ok := asString(raw)
	if !ok || !validPath(p) {
		return "", invalid("path", msgInvalid)
	}
	if utf8.RuneCountInString(p) > maxPath {
		return "", invalid("path", msgTooLong)
	}
	return p, nil
}

func validPath(p string) bool {
	if strings.ContainsAny(p, "\x00\\") || strings.HasPrefix(p, "/") || !utf8.ValidString(p) {
		return false
	}
	if len(p) >= 2 && p[1] == ':' {
		return false // a Windows drive: C:/x
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// files are the object's file paths, sorted.
func (o fileOwner) files(c *call, id int64) ([]string, error) {
	rows, err := queryRows(c.s, `SELECT path FROM keitaro_files WHERE tenant_id = @tenant AND owner = ? AND owner_id = ? ORDER BY path`,
		o.entity.kind, id)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.str("path")
	}
	return out, err
}

// content reads one file; an unknown one is 404.
func (o fileOwner) content(c *call, p string) (string, error) {
	r, err := queryOne(c.s, `SELECT data FROM keitaro_files WHERE tenant_id = @tenant AND owner = ? AND owner_id = ? AND path = ?`,
		o.entity.kind, c.id, p)
	if err != nil {
		return "", err
	}
	return r.str("data"), nil
}

func (o fileOwner) put(c *call, id int64, p, data string) error {
	_, err := c.s.Exec(`INSERT INTO keitaro_files (tenant_id, owner, owner_id, path, data) VALUES (@tenant, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, owner, owner_id, path) DO UPDATE SET data = excluded.data`, o.entity.kind, id, p, data)
	return err
}

// touch stamps the object: its files are part of it.
func (o fileOwner) touch(c *call) error {
	return updateRow(c.s, o.entity.table, c.id, map[string]any{"updated_at": c.stamp})
}

// node is one entry of the file tree.
type node struct {
	name, path string
	dir        bool
	children   []*node
}

func (n *node) object() wire.Object {
	typ, ext := "file", strings.TrimPrefix(path.Ext(n.name), ".")
	if n.dir {
		typ, ext = "directory", ""
	}
	children := make([]wire.Object, 0, len(n.children))
	slices.SortFunc(n.children, func(a, b *node) int {
		if a.dir != b.dir { // folders before files
			if a.dir {
				return -1
			}
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	for _, ch := range n.children {
		children = append(children, ch.object())
	}
	return wire.Obj("name", n.name, "type", typ, "ext", ext, "path", n.path, "children", children)
}

// tree builds the folder of the given files.
func tree(root string, files []string) *node {
	top := &node{name: root, dir: true}
	dirs := map[string]*node{"": top}
	for _, f := range files {
		parent := top
		segs := strings.Split(f, "/")
		for i, seg := range segs {
			p := strings.Join(segs[:i+1], "/")
			if i == len(segs)-1 {
				parent.children = append(parent.children, &node{name: seg, path: p})
				break
			}
			d, ok := dirs[p]
			if !ok {
				d = &node{name: seg, path: p, dir: true}
				dirs[p] = d
				parent.children = append(parent.children, d)
			}
			parent = d
		}
	}
	return top
}

// getStructure is GET …/{id}/get_structure: the object's folder as a tree.
func (o fileOwner) getStructure(c *call) (any, error) {
	if err := o.object(c); err != nil {
		return nil, err
	}
	files, err := o.files(c, c.id)
	if err != nil {
		return nil, err
	}
	return tree(o.folder+"_"+strconv.FormatInt(c.id, 10), files).object(), nil
}

// addFile is POST …/{id}/add_file?path=: an empty file; its folders are
// implied. A path a file or folder already has is taken; a path through a
// file is invalid.
func (o fileOwner) addFile(c *call) (any, error) {
	if err := o.object(c); err != nil {
		return nil, err
	}
	p, err := filePath(c)
	if err != nil {
		return nil, err
	}
	files, err := o.files(c, c.id)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		switch {
		case f == p || strings.HasPrefix(f, p+"/"):
			return nil, invalid("path", msgTaken)
		case strings.HasPrefix(p, f+"/"):
			return nil, invalid("path", msgInvalid) // f is a file, not a folder
		}
	}
	if err := o.put(c, c.id, p, ""); err != nil {
		return nil, err
	}
	return wire.Obj("path", p), o.touch(c)
}

// getFile is GET …/{id}/get_file?path=.
func (o fileOwner) getFile(c *call) (any, error) {
	if err := o.object(c); err != nil {
		return nil, err
	}
	p, err := filePath(c)
	if err != nil {
		return nil, err
	}
	data, err := o.content(c, p)
	if err != nil {
		return nil, err
	}
	return wire.Obj("data", data), nil
}

// updateFile is PUT …/{id}/update_file?path=&data= (or a JSON body): the
// file's whole content.
func (o fileOwner) updateFile(c *call) (any, error) {
	if err := o.object(c); err != nil {
		return nil, err
	}
	p, err := filePath(c)
	if err != nil {
		return nil, err
	}
	raw, sent := c.in["data"]
	if !sent || raw == nil {
		return nil, invalid("data", msgRequired)
	}
	data, ok := asString(raw)
	if !ok {
		return nil, invalid("data", msgInvalid)
	}
	if len(data) > maxFileSize {
		return nil, invalid("data", msgTooLong)
	}
	if _, err := o.content(c, p); err != nil {
		return nil, err
	}
	if err := o.put(c, c.id, p, data); err != nil {
		return nil, err
	}
	return wire.Obj("path", p), o.touch(c)
}

// removeFile is DELETE …/{id}/remove_file?path=: a file, or a folder with
// everything in it.
func (o fileOwner) removeFile(c *call) (any, error) {
	if err := o.object(c); err != nil {
		return nil, err
	}
	p, err := filePath(c)
	if err != nil {
		return nil, err
	}
	res, err := c.s.Exec(`DELETE FROM keitaro_files WHERE tenant_id = @tenant AND owner = ? AND owner_id = ?
		AND (path = ? OR substr(path, 1, ?) = ?)`, o.entity.kind, c.id, p, utf8.RuneCountInString(p)+1, p+"/")
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, orNotFound(err)
	}
	return success(), o.touch(c)
}

// orNotFound is err, or errNotFound when there is none.
func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return errNotFound
}

// copyFiles gives a clone its source's files.
func (o fileOwner) copyFiles(c *call, from, to int64) error {
	_, err := c.s.Exec(`INSERT INTO keitaro_files (tenant_id, owner, owner_id, path, data)
		SELECT tenant_id, owner, ?, path, data FROM keitaro_files WHERE tenant_id = @tenant AND owner = ? AND owner_id = ?`,
		to, o.entity.kind, from)
	return err
}

// startFiles gives a new local landing page or offer its index.html, a
// page naming it.
func (o fileOwner) startFiles(c *call, r row) error {
	name := html.EscapeString(r.str("name"))
	page := "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + name + "</title>\n</head>\n<body>\n<h1>" +
		name + "</h1>\n</body>\n</html>\n"
	return o.put(c, r.int("id"), "index.html", page)
}
