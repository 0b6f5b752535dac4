//go:build js && wasm

// The kubesem shell compiled to WebAssembly for the browser playground
// (playground/web): the page loads kubesem.wasm with Go's wasm_exec.js and
// talks to it through the global object kubesem this file sets:
//
//	kubesem.exec(line, onOutput, onTick) → Promise of {prompt, error}
//	    runs one typed line; onOutput(text) gets what it prints as it is
//	    printed, onTick() is called whenever virtual time has passed in a
//	    watch or a sleep (redraw then); the promise resolves when the line
//	    is done, with the new prompt ("[00:01:30] $ ").
//	kubesem.interrupt()          Ctrl-C: stops the running watch or sleep
//	kubesem.snapshot() → JSON    the nodes, workloads and pods to draw
//	kubesem.files() → JSON       [{name, content}]: the files -f can name
//	kubesem.writeFile(name, content) → error text ("" when stored)
//	kubesem.prompt() → string    the prompt
//	kubesem.banner → string      what the shell says first
//	kubesem.setSpeed(x)          virtual seconds a watch shows per real second
//
// When it is ready it calls the page's window.onKubesemReady(), if any.
// The tutorial's files (the examples' manifests, byte for byte) are
// preloaded from tutorial/.

package main

import (
	"embed"
	"encoding/json"
	"path"

	"syscall/js"
)

//go:embed tutorial/*.yaml
var tutorial embed.FS

func main() {
	files := map[string][]byte{}
	entries, _ := tutorial.ReadDir("tutorial")
	for _, e := range entries {
		data, err := tutorial.ReadFile(path.Join("tutorial", e.Name()))
		if err == nil {
			files[e.Name()] = data
		}
	}
	p, err := newPlayground(1, files)
	if err != nil {
		js.Global().Get("console").Call("error", "kubesem: "+err.Error())
		return
	}
	api := js.Global().Get("Object").New()
	api.Set("banner", banner)
	api.Set("exec", js.FuncOf(func(_ js.Value, args []js.Value) any {
		line, onOutput, onTick := arg(args, 0).String(), arg(args, 1), arg(args, 2)
		return newPromise(func() any {
			err := p.run(line, func(text string) {
				if onOutput.Type() == js.TypeFunction {
					onOutput.Invoke(text)
				}
			}, func() {
				if onTick.Type() == js.TypeFunction {
					onTick.Invoke()
				}
			})
			res := map[string]any{"prompt": p.prompt(), "error": ""}
			if err != nil {
				res["error"] = err.Error()
			}
			return res
		})
	}))
	api.Set("interrupt", js.FuncOf(func(js.Value, []js.Value) any {
		p.interrupt()
		return nil
	}))
	api.Set("snapshot", js.FuncOf(func(js.Value, []js.Value) any {
		b, err := p.snapshot()
		if err != nil {
			return `{"error":` + quote(err.Error()) + `}`
		}
		return string(b)
	}))
	api.Set("files", js.FuncOf(func(js.Value, []js.Value) any {
		b, _ := json.Marshal(p.files())
		return string(b)
	}))
	api.Set("writeFile", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if err := p.writeFile(arg(args, 0).String(), arg(args, 1).String()); err != nil {
			return err.Error()
		}
		return ""
	}))
	api.Set("prompt", js.FuncOf(func(js.Value, []js.Value) any { return p.prompt() }))
	api.Set("setSpeed", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if x := arg(args, 0); x.Type() == js.TypeNumber && x.Float() > 0 {
			p.speed = x.Float()
		}
		return nil
	}))
	js.Global().Set("kubesem", api)
	if ready := js.Global().Get("onKubesemReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // serve the page's calls until it goes
}

// arg is args[i], or undefined.
func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}

// newPromise runs f on a goroutine of its own — it may wait, as a paced
// watch does, which a function called from JavaScript must not — and
// returns a Promise of its result.
func newPromise(f func() any) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve := args[0]
		go func() {
			resolve.Invoke(f())
		}()
		return nil
	})
	defer executor.Release()
	return js.Global().Get("Promise").New(executor)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
