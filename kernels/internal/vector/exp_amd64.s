//go:build !purego

#include "textflag.h"

// Constants of kernels.exp32s (kernels/fastmath.go), eight copies each: one YMM register's worth, so
// that the arithmetic can take them straight from memory.
#define EIGHT(name, bits) \
	DATA name<>+0(SB)/4, $bits; DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

EIGHT(expLo, 0xc2ae0000)    // −87
EIGHT(expHi, 0x42b00000)    // 88
EIGHT(expLog2e, 0x3fb8aa3b) // log₂e
EIGHT(expLn2Hi, 0x3f318000) // 0.693359375
EIGHT(expLn2Lo, 0xb95e8083) // −2.12194440e-4
EIGHT(expP0, 0x39506967)    // 1.9875691500e-4
EIGHT(expP1, 0x3ab743ce)    // 1.3981999507e-3
EIGHT(expP2, 0x3c088908)    // 8.3334519073e-3
EIGHT(expP3, 0x3d2aa9c1)    // 4.1665795894e-2
EIGHT(expP4, 0x3e2aaaaa)    // 1.6666665459e-1
EIGHT(expP5, 0x3f000000)    // 5.0000001201e-1
EIGHT(expOne, 0x3f800000)   // 1
EIGHT(expBias, 0x0000007f)  // 127, the float32 exponent bias, as int32

// func expAVX2(dst, x *float32, n int) int
//
// e^x for x[0:n] into dst, eight at a time, with AVX2 and FMA; it stops before the
// first group of eight that holds a value outside [−87, 88] or a NaN, or has fewer
// than eight values left, and returns how many it wrote.
TEXT ·expAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

loop:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JGT  done
	VMOVUPS (SI)(AX*4), Y0

	// Every value in [−87, 88]? Ordered compares are false for NaN.
	VCMPPS    $0x1d, expLo<>(SB), Y0, Y1 // x ≥ −87
	VCMPPS    $0x12, expHi<>(SB), Y0, Y2 // x ≤ 88
	VANDPS    Y1, Y2, Y1
	VMOVMSKPS Y1, BX
	CMPQ      BX, $0xff
	JNE       done

	// n = round(x·log₂e); r = x − n·ln2Hi − n·ln2Lo
	VMULPS       expLog2e<>(SB), Y0, Y1
	VROUNDPS     $0, Y1, Y1
	VFNMADD231PS expLn2Hi<>(SB), Y1, Y0
	VFNMADD231PS expLn2Lo<>(SB), Y1, Y0

	// p(r), then e^r = p·r² + r + 1
	VMOVUPS     expP0<>(SB), Y2
	VFMADD213PS expP1<>(SB), Y0, Y2
	VFMADD213PS expP2<>(SB), Y0, Y2
	VFMADD213PS expP3<>(SB), Y0, Y2
	VFMADD213PS expP4<>(SB), Y0, Y2
	VFMADD213PS expP5<>(SB), Y0, Y2
	VMULPS      Y0, Y0, Y3
	VFMADD213PS Y0, Y3, Y2
	VADDPS      expOne<>(SB), Y2, Y2

	// times 2ⁿ, built in the exponent bits
	VCVTPS2DQ Y1, Y1
	VPADDD    expBias<>(SB), Y1, Y1
	VPSLLD    $23, Y1, Y1
	VMULPS    Y1, Y2, Y2

	VMOVUPS Y2, (DI)(AX*4)
	MOVQ    DX, AX
	JMP     loop

done:
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET
