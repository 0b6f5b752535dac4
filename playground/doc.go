// Package playground tests the kubesem playground (playground/web: the
// kubesem shell compiled to WebAssembly, drawn in a static page) in
// headless Chromium. It is a module of its own so that chromedp is not a
// dependency of kubesem. See README.md.
package playground
