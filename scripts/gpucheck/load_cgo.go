//go:build cgo && linux

package main

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

// The CUDA driver API, declared here (no CUDA headers needed): every
// NVIDIA driver installs libcuda.so.1 and JIT-compiles PTX.
typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext, *CUmodule, *CUfunction;
typedef unsigned long long CUdeviceptr;

static const char *burn_ptx =
	".version 6.0\n"
	".target sm_50\n"
	".address_size 64\n"
	".visible .entry burn(.param .u64 out, .param .u32 iters)\n"
	"{\n"
	"  .reg .pred %p<2>; .reg .f32 %f<12>; .reg .b32 %r<8>; .reg .b64 %rd<6>;\n"
	"  ld.param.u64 %rd1, [out]; ld.param.u32 %r1, [iters];\n"
	"  mov.u32 %r2, %ctaid.x; mov.u32 %r3, %ntid.x; mov.u32 %r4, %tid.x;\n"
	"  mad.lo.s32 %r5, %r2, %r3, %r4; cvt.rn.f32.u32 %f1, %r5;\n"
	"  mov.f32 %f2, 0f3F7FFFFE; mov.f32 %f3, 0f3A83126F;\n"
	"  mov.f32 %f4, %f1; add.f32 %f5, %f1, %f3; add.f32 %f6, %f5, %f3; add.f32 %f7, %f6, %f3;\n"
	"  mov.u32 %r6, 0;\n"
	"LOOP:\n"
	"  fma.rn.f32 %f4, %f4, %f2, %f3; fma.rn.f32 %f5, %f5, %f2, %f3;\n"
	"  fma.rn.f32 %f6, %f6, %f2, %f3; fma.rn.f32 %f7, %f7, %f2, %f3;\n"
	"  add.u32 %r6, %r6, 1; setp.lt.u32 %p1, %r6, %r1; @%p1 bra LOOP;\n"
	"  add.f32 %f8, %f4, %f5; add.f32 %f9, %f6, %f7; add.f32 %f10, %f8, %f9;\n"
	"  cvta.to.global.u64 %rd2, %rd1; mul.wide.u32 %rd3, %r5, 4; add.s64 %rd4, %rd2, %rd3;\n"
	"  st.global.f32 [%rd4], %f10;\n"
	"  ret;\n"
	"}\n";

static double now_s(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void sleep_s(double s) {
	if (s <= 0) return;
	struct timespec t = {(time_t)s, (long)((s - (time_t)s) * 1e9)};
	nanosleep(&t, NULL);
}

typedef CUresult (*cuInit_t)(unsigned int);
typedef CUresult (*cuDeviceGet_t)(CUdevice *, int);
typedef CUresult (*cuDeviceGetAttribute_t)(int *, int, CUdevice);
typedef CUresult (*cuCtxCreate_t)(CUcontext *, unsigned int, CUdevice);
typedef CUresult (*cuCtxDestroy_t)(CUcontext);
typedef CUresult (*cuModuleLoadData_t)(CUmodule *, const void *);
typedef CUresult (*cuModuleGetFunction_t)(CUfunction *, CUmodule, const char *);
typedef CUresult (*cuMemAlloc_t)(CUdeviceptr *, size_t);
typedef CUresult (*cuLaunchKernel_t)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void *, void **, void **);
typedef CUresult (*cuCtxSynchronize_t)(void);

struct cuda {
	cuInit_t init; cuDeviceGet_t deviceGet; cuDeviceGetAttribute_t attr;
	cuCtxCreate_t ctxCreate; cuCtxDestroy_t ctxDestroy; cuModuleLoadData_t moduleLoad;
	cuModuleGetFunction_t getFunction; cuMemAlloc_t memAlloc; cuLaunchKernel_t launch;
	cuCtxSynchronize_t sync;
	CUcontext ctx; CUfunction fn; CUdeviceptr out; unsigned blocks; unsigned iters;
};

#define CHECK(call, what) do { CUresult r_ = (call); if (r_ != 0) { snprintf(err, n, "%s: CUDA error %d", what, r_); return 1; } } while (0)

// cuda_open loads the driver, creates a context on device 0 (of
// CUDA_VISIBLE_DEVICES) and compiles the kernel.
static int cuda_open(struct cuda *c, char *err, int n) {
	void *h = dlopen("libcuda.so.1", RTLD_NOW);
	if (!h) { snprintf(err, n, "libcuda.so.1 (the CUDA driver) not found: %s", dlerror()); return 1; }
	c->init = (cuInit_t)dlsym(h, "cuInit");
	c->deviceGet = (cuDeviceGet_t)dlsym(h, "cuDeviceGet");
	c->attr = (cuDeviceGetAttribute_t)dlsym(h, "cuDeviceGetAttribute");
	c->ctxCreate = (cuCtxCreate_t)dlsym(h, "cuCtxCreate_v2");
	c->ctxDestroy = (cuCtxDestroy_t)dlsym(h, "cuCtxDestroy_v2");
	c->moduleLoad = (cuModuleLoadData_t)dlsym(h, "cuModuleLoadData");
	c->getFunction = (cuModuleGetFunction_t)dlsym(h, "cuModuleGetFunction");
	c->memAlloc = (cuMemAlloc_t)dlsym(h, "cuMemAlloc_v2");
	c->launch = (cuLaunchKernel_t)dlsym(h, "cuLaunchKernel");
	c->sync = (cuCtxSynchronize_t)dlsym(h, "cuCtxSynchronize");
	if (!c->init || !c->deviceGet || !c->attr || !c->ctxCreate || !c->ctxDestroy || !c->moduleLoad ||
	    !c->getFunction || !c->memAlloc || !c->launch || !c->sync) {
		snprintf(err, n, "libcuda.so.1 lacks a driver API entry point");
		return 1;
	}
	CUdevice dev; CUmodule mod; int sms = 0;
	CHECK(c->init(0), "cuInit");
	CHECK(c->deviceGet(&dev, 0), "cuDeviceGet");
	CHECK(c->attr(&sms, 16, dev), "cuDeviceGetAttribute"); // 16: CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT
	CHECK(c->ctxCreate(&c->ctx, 0, dev), "cuCtxCreate");
	CHECK(c->moduleLoad(&mod, burn_ptx), "cuModuleLoadData (PTX JIT)");
	CHECK(c->getFunction(&c->fn, mod, "burn"), "cuModuleGetFunction");
	c->blocks = (unsigned)(sms > 0 ? sms : 80) * 8;
	CHECK(c->memAlloc(&c->out, (size_t)c->blocks * 256 * 4), "cuMemAlloc");
	c->iters = 1 << 14;
	return 0;
}

// cuda_kernel runs the kernel once and waits for it.
static int cuda_kernel(struct cuda *c, char *err, int n) {
	void *params[] = {&c->out, &c->iters};
	CHECK(c->launch(c->fn, c->blocks, 1, 1, 256, 1, 1, 0, NULL, params, NULL), "cuLaunchKernel");
	CHECK(c->sync(), "cuCtxSynchronize");
	return 0;
}

// cuda_calibrate sizes one kernel run to about 20 ms.
static int cuda_calibrate(struct cuda *c, char *err, int n) {
	for (int i = 0; i < 12; i++) {
		double t = now_s();
		if (cuda_kernel(c, err, n)) return 1;
		double d = now_s() - t;
		if (d > 0.015 && d < 0.03) break;
		double f = d > 0 ? 0.02 / d : 16;
		if (f > 16) f = 16;
		double it = c->iters * f;
		c->iters = it < 1024 ? 1024 : (it > 1e9 ? 1000000000u : (unsigned)it);
	}
	return 0;
}

// cuda_burn loads the GPU for seconds, in bursts of on_s every period_s
// (on_s >= period_s: all the time).
static int cuda_burn(struct cuda *c, double seconds, double on_s, double period_s, char *err, int n) {
	double end = now_s() + seconds;
	while (now_s() < end) {
		double start = now_s();
		while (now_s() - start < on_s && now_s() < end)
			if (cuda_kernel(c, err, n)) return 1;
		if (on_s < period_s) sleep_s(period_s - (now_s() - start));
	}
	return 0;
}

static void cuda_close(struct cuda *c) { if (c->ctx) c->ctxDestroy(c->ctx); }
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"
)

// load waits delay (the idle baseline), then loads CUDA device 0 fully for
// steady and in 50 ms bursts every 200 ms for bursty: the bursts are what
// 100 ms power sampling misses and the energy counter does not. It prints
// the load's start time (RFC 3339) on its first line.
func load(out io.Writer, delay, steady, bursty time.Duration) error {
	var c C.struct_cuda
	buf := make([]byte, 256)
	cerr := (*C.char)(unsafe.Pointer(&buf[0]))
	fail := func() error { return errors.New(C.GoString(cerr)) }
	if C.cuda_open(&c, cerr, C.int(len(buf))) != 0 {
		return fail()
	}
	defer C.cuda_close(&c)
	time.Sleep(delay)
	fmt.Fprintln(out, time.Now().Format(time.RFC3339Nano))
	if C.cuda_calibrate(&c, cerr, C.int(len(buf))) != 0 || C.cuda_burn(&c, C.double(steady.Seconds()), 1, 1, cerr, C.int(len(buf))) != 0 {
		return fail()
	}
	if C.cuda_burn(&c, C.double(bursty.Seconds()), 0.05, 0.2, cerr, C.int(len(buf))) != 0 {
		return fail()
	}
	return nil
}
