//go:build !purego

#include "textflag.h"

// Salsa20 key stream, 16 blocks at a time, with AVX-512F: one block per
// 32-bit lane of a ZMM register, so that register Zi holds word i of 16
// consecutive blocks and every quarter-round step is one VPADDD, one
// VPROLD and one VPXORD over all 16 blocks.
//
// func salsaXORAVX512(dst, src *byte, chunks int, s *salsaState)
//
// XORs chunks*1024 bytes of src with the key stream of s from its counter
// on into dst (dst == src is fine; a partial overlap is not). s is read,
// not written: the caller advances its counter by 16*chunks.
//
// Registers:
//	AX	s: the input block; its uniform words are broadcast from it
//	SI, DI	src, dst: advance 1024 bytes a chunk
//	CX	chunks left
//	R8	the 64-bit block counter of this chunk's first block
//	R9	scratch (counter halves)
//	DX	double rounds left
//	Z0-Z15	state word i of the 16 blocks in Zi; after the rounds and the
//		feed-forward, the transpose reuses them
//	Z16,Z17	counter words 8 and 9 of the 16 blocks, kept for the
//		feed-forward (the other words are equal in every lane and are
//		added back from AX with a broadcast operand)
//	Z18-Z21	temporaries of the four interleaved quarter-rounds
//	Z16-Z31	the transpose's temporaries
//	K1	lanes whose low counter word wrapped: their word 9 is one more

DATA salsaIota<>+0x00(SB)/4, $0
DATA salsaIota<>+0x04(SB)/4, $1
DATA salsaIota<>+0x08(SB)/4, $2
DATA salsaIota<>+0x0c(SB)/4, $3
DATA salsaIota<>+0x10(SB)/4, $4
DATA salsaIota<>+0x14(SB)/4, $5
DATA salsaIota<>+0x18(SB)/4, $6
DATA salsaIota<>+0x1c(SB)/4, $7
DATA salsaIota<>+0x20(SB)/4, $8
DATA salsaIota<>+0x24(SB)/4, $9
DATA salsaIota<>+0x28(SB)/4, $10
DATA salsaIota<>+0x2c(SB)/4, $11
DATA salsaIota<>+0x30(SB)/4, $12
DATA salsaIota<>+0x34(SB)/4, $13
DATA salsaIota<>+0x38(SB)/4, $14
DATA salsaIota<>+0x3c(SB)/4, $15
GLOBL salsaIota<>(SB), RODATA|NOPTR, $64

DATA salsaOne<>+0x00(SB)/4, $1
GLOBL salsaOne<>(SB), RODATA|NOPTR, $4

// STEP4 does b ^= (a+d) <<< r for four independent (a, d, b).
#define STEP4(a0, d0, b0, a1, d1, b1, a2, d2, b2, a3, d3, b3, r) \
	VPADDD a0, d0, Z18; \
	VPADDD a1, d1, Z19; \
	VPADDD a2, d2, Z20; \
	VPADDD a3, d3, Z21; \
	VPROLD $r, Z18, Z18; \
	VPROLD $r, Z19, Z19; \
	VPROLD $r, Z20, Z20; \
	VPROLD $r, Z21, Z21; \
	VPXORD Z18, b0, b0; \
	VPXORD Z19, b1, b1; \
	VPXORD Z20, b2, b2; \
	VPXORD Z21, b3, b3

// QR4 is four independent quarter-rounds (a, b, c, d).
#define QR4(a0, b0, c0, d0, a1, b1, c1, d1, a2, b2, c2, d2, a3, b3, c3, d3) \
	STEP4(a0, d0, b0, a1, d1, b1, a2, d2, b2, a3, d3, b3, 7); \
	STEP4(b0, a0, c0, b1, a1, c1, b2, a2, c2, b3, a3, c3, 9); \
	STEP4(c0, b0, d0, c1, b1, d1, c2, b2, d2, c3, b3, d3, 13); \
	STEP4(d0, c0, a0, d1, c1, a1, d2, c2, a2, d3, c3, a3, 18)

// OUT4 writes the four blocks whose words 0-3, 4-7, 8-11 and 12-15 are
// the 128-bit lanes q of B0, B1, B2 and B3 (block 4q+r at 256q+64r): a
// 4x4 transpose of 128-bit lanes, then the XOR with src.
#define OUT4(B0, B1, B2, B3, r) \
	VSHUFI32X4 $0x44, B1, B0, Z16; \
	VSHUFI32X4 $0xee, B1, B0, Z17; \
	VSHUFI32X4 $0x44, B3, B2, Z18; \
	VSHUFI32X4 $0xee, B3, B2, Z19; \
	VSHUFI32X4 $0x88, Z18, Z16, Z20; \
	VSHUFI32X4 $0xdd, Z18, Z16, Z21; \
	VSHUFI32X4 $0x88, Z19, Z17, Z22; \
	VSHUFI32X4 $0xdd, Z19, Z17, Z23; \
	VPXORD (0*256+r*64)(SI), Z20, Z20; \
	VPXORD (1*256+r*64)(SI), Z21, Z21; \
	VPXORD (2*256+r*64)(SI), Z22, Z22; \
	VPXORD (3*256+r*64)(SI), Z23, Z23; \
	VMOVDQU32 Z20, (0*256+r*64)(DI); \
	VMOVDQU32 Z21, (1*256+r*64)(DI); \
	VMOVDQU32 Z22, (2*256+r*64)(DI); \
	VMOVDQU32 Z23, (3*256+r*64)(DI)

TEXT ·salsaXORAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ chunks+16(FP), CX
	MOVQ s+24(FP), AX
	MOVL 32(AX), R8
	MOVL 36(AX), R9
	SHLQ $32, R9
	ORQ  R9, R8
	TESTQ CX, CX
	JZ   done

chunk:
	VPBROADCASTD 0(AX), Z0
	VPBROADCASTD 4(AX), Z1
	VPBROADCASTD 8(AX), Z2
	VPBROADCASTD 12(AX), Z3
	VPBROADCASTD 16(AX), Z4
	VPBROADCASTD 20(AX), Z5
	VPBROADCASTD 24(AX), Z6
	VPBROADCASTD 28(AX), Z7
	VPBROADCASTD 40(AX), Z10
	VPBROADCASTD 44(AX), Z11
	VPBROADCASTD 48(AX), Z12
	VPBROADCASTD 52(AX), Z13
	VPBROADCASTD 56(AX), Z14
	VPBROADCASTD 60(AX), Z15

	// Words 8 and 9: the counter plus the lane, carried into word 9.
	MOVL R8, R9
	VPBROADCASTD R9, Z16
	VPADDD salsaIota<>(SB), Z16, Z8
	VPCMPUD $1, Z16, Z8, K1 // K1: lanes with Z8 < Z16, that wrapped
	MOVQ R8, R9
	SHRQ $32, R9
	VPBROADCASTD R9, Z9
	VPADDD.BCST salsaOne<>(SB), Z9, K1, Z9
	VMOVDQA32 Z8, Z16
	VMOVDQA32 Z9, Z17

	MOVQ $10, DX

rounds:
	// Column round, then row round.
	QR4(Z0, Z4, Z8, Z12, Z5, Z9, Z13, Z1, Z10, Z14, Z2, Z6, Z15, Z3, Z7, Z11)
	QR4(Z0, Z1, Z2, Z3, Z5, Z6, Z7, Z4, Z10, Z11, Z8, Z9, Z15, Z12, Z13, Z14)
	DECQ DX
	JNZ  rounds

	// Feed-forward.
	VPADDD.BCST 0(AX), Z0, Z0
	VPADDD.BCST 4(AX), Z1, Z1
	VPADDD.BCST 8(AX), Z2, Z2
	VPADDD.BCST 12(AX), Z3, Z3
	VPADDD.BCST 16(AX), Z4, Z4
	VPADDD.BCST 20(AX), Z5, Z5
	VPADDD.BCST 24(AX), Z6, Z6
	VPADDD.BCST 28(AX), Z7, Z7
	VPADDD Z16, Z8, Z8
	VPADDD Z17, Z9, Z9
	VPADDD.BCST 40(AX), Z10, Z10
	VPADDD.BCST 44(AX), Z11, Z11
	VPADDD.BCST 48(AX), Z12, Z12
	VPADDD.BCST 52(AX), Z13, Z13
	VPADDD.BCST 56(AX), Z14, Z14
	VPADDD.BCST 60(AX), Z15, Z15

	// Transpose, first within 128-bit lanes. Pairs of words: Z(16+2p)
	// and Z(17+2p) get words 2p and 2p+1 of blocks 4q, 4q+1 and of
	// 4q+2, 4q+3 in lane q.
	VPUNPCKLDQ Z1, Z0, Z16
	VPUNPCKHDQ Z1, Z0, Z17
	VPUNPCKLDQ Z3, Z2, Z18
	VPUNPCKHDQ Z3, Z2, Z19
	VPUNPCKLDQ Z5, Z4, Z20
	VPUNPCKHDQ Z5, Z4, Z21
	VPUNPCKLDQ Z7, Z6, Z22
	VPUNPCKHDQ Z7, Z6, Z23
	VPUNPCKLDQ Z9, Z8, Z24
	VPUNPCKHDQ Z9, Z8, Z25
	VPUNPCKLDQ Z11, Z10, Z26
	VPUNPCKHDQ Z11, Z10, Z27
	VPUNPCKLDQ Z13, Z12, Z28
	VPUNPCKHDQ Z13, Z12, Z29
	VPUNPCKLDQ Z15, Z14, Z30
	VPUNPCKHDQ Z15, Z14, Z31

	// Quads of words: Z(4r+g) gets words 4g..4g+3 of block 4q+r in
	// lane q.
	VPUNPCKLQDQ Z18, Z16, Z0
	VPUNPCKHQDQ Z18, Z16, Z4
	VPUNPCKLQDQ Z19, Z17, Z8
	VPUNPCKHQDQ Z19, Z17, Z12
	VPUNPCKLQDQ Z22, Z20, Z1
	VPUNPCKHQDQ Z22, Z20, Z5
	VPUNPCKLQDQ Z23, Z21, Z9
	VPUNPCKHQDQ Z23, Z21, Z13
	VPUNPCKLQDQ Z26, Z24, Z2
	VPUNPCKHQDQ Z26, Z24, Z6
	VPUNPCKLQDQ Z27, Z25, Z10
	VPUNPCKHQDQ Z27, Z25, Z14
	VPUNPCKLQDQ Z30, Z28, Z3
	VPUNPCKHQDQ Z30, Z28, Z7
	VPUNPCKLQDQ Z31, Z29, Z11
	VPUNPCKHQDQ Z31, Z29, Z15

	OUT4(Z0, Z1, Z2, Z3, 0)
	OUT4(Z4, Z5, Z6, Z7, 1)
	OUT4(Z8, Z9, Z10, Z11, 2)
	OUT4(Z12, Z13, Z14, Z15, 3)

	ADDQ $1024, SI
	ADDQ $1024, DI
	ADDQ $16, R8
	DECQ CX
	JNZ  chunk

done:
	VZEROUPPER
	RET


// Salsa20 key stream, 8 blocks at a time, with AVX2: one block per 32-bit
// lane of a YMM register, as in salsaXORAVX512. 16 state words and the
// temporaries do not fit in 16 YMM registers, so the state lives on the
// stack, and each half round is two passes that load the 8 words of two
// quarter-rounds, run them side by side, and store them back. AVX2 has no
// rotate: x <<< r is (x << r) ^ (x >> (32-r)), XORed into b one half at a
// time.
//
// func salsaXORAVX2(dst, src *byte, chunks int, s *salsaState)
//
// XORs chunks*512 bytes of src with the key stream of s from its counter
// on into dst (dst == src is fine; a partial overlap is not).
//
// Registers and stack:
//	AX	s; SI, DI src, dst; CX chunks left; R8 the 64-bit counter of the
//		chunk's first block; R9 scratch; DX double rounds left
//	0(SP)-511(SP)	state word i of the 8 blocks at 32*i(SP)
//	512(SP), 544(SP)	counter words 8 and 9, for the feed-forward
//	Y0-Y7	the two quarter-rounds of a pass (a, b, c, d each); in the
//		output, 8 words of the 8 blocks
//	Y8-Y11	temporaries of a pass; Y8-Y15 the transpose's

DATA salsaIota8<>+0x00(SB)/4, $0
DATA salsaIota8<>+0x04(SB)/4, $1
DATA salsaIota8<>+0x08(SB)/4, $2
DATA salsaIota8<>+0x0c(SB)/4, $3
DATA salsaIota8<>+0x10(SB)/4, $4
DATA salsaIota8<>+0x14(SB)/4, $5
DATA salsaIota8<>+0x18(SB)/4, $6
DATA salsaIota8<>+0x1c(SB)/4, $7
GLOBL salsaIota8<>(SB), RODATA|NOPTR, $32

DATA salsaSign<>+0x00(SB)/4, $0x80000000
GLOBL salsaSign<>(SB), RODATA|NOPTR, $4

// ASTEP2 does b ^= (a+d) <<< r for two quarter-rounds.
#define ASTEP2(a0, d0, b0, a1, d1, b1, r) \
	VPADDD a0, d0, Y8; \
	VPADDD a1, d1, Y9; \
	VPSLLD $r, Y8, Y10; \
	VPSLLD $r, Y9, Y11; \
	VPSRLD $(32-r), Y8, Y8; \
	VPSRLD $(32-r), Y9, Y9; \
	VPXOR Y10, b0, b0; \
	VPXOR Y11, b1, b1; \
	VPXOR Y8, b0, b0; \
	VPXOR Y9, b1, b1

// APASS runs the quarter-rounds (a0, b0, c0, d0) and (a1, b1, c1, d1) on
// the stack's state words.
#define APASS(a0, b0, c0, d0, a1, b1, c1, d1) \
	VMOVDQU (a0*32)(SP), Y0; \
	VMOVDQU (b0*32)(SP), Y1; \
	VMOVDQU (c0*32)(SP), Y2; \
	VMOVDQU (d0*32)(SP), Y3; \
	VMOVDQU (a1*32)(SP), Y4; \
	VMOVDQU (b1*32)(SP), Y5; \
	VMOVDQU (c1*32)(SP), Y6; \
	VMOVDQU (d1*32)(SP), Y7; \
	ASTEP2(Y0, Y3, Y1, Y4, Y7, Y5, 7); \
	ASTEP2(Y1, Y0, Y2, Y5, Y4, Y6, 9); \
	ASTEP2(Y2, Y1, Y3, Y6, Y5, Y7, 13); \
	ASTEP2(Y3, Y2, Y0, Y7, Y6, Y4, 18); \
	VMOVDQU Y0, (a0*32)(SP); \
	VMOVDQU Y1, (b0*32)(SP); \
	VMOVDQU Y2, (c0*32)(SP); \
	VMOVDQU Y3, (d0*32)(SP); \
	VMOVDQU Y4, (a1*32)(SP); \
	VMOVDQU Y5, (b1*32)(SP); \
	VMOVDQU Y6, (c1*32)(SP); \
	VMOVDQU Y7, (d1*32)(SP)

// AINIT sets state word i of the 8 blocks to word i of s.
#define AINIT(i) \
	VPBROADCASTD (i*4)(AX), Y0; \
	VMOVDQU Y0, (i*32)(SP)

// AFF loads state word i into Y and adds word i of s to it.
#define AFF(i, Y) \
	VPBROADCASTD (i*4)(AX), Y8; \
	VPADDD (i*32)(SP), Y8, Y

// AOUT8 transposes Y0-Y7, 8 words of the 8 blocks, to blocks, and XORs
// them with src into dst at 64*j+off for block j.
#define AOUT8(off) \
	VPUNPCKLDQ Y1, Y0, Y8; \
	VPUNPCKHDQ Y1, Y0, Y9; \
	VPUNPCKLDQ Y3, Y2, Y10; \
	VPUNPCKHDQ Y3, Y2, Y11; \
	VPUNPCKLDQ Y5, Y4, Y12; \
	VPUNPCKHDQ Y5, Y4, Y13; \
	VPUNPCKLDQ Y7, Y6, Y14; \
	VPUNPCKHDQ Y7, Y6, Y15; \
	VPUNPCKLQDQ Y10, Y8, Y0; \
	VPUNPCKHQDQ Y10, Y8, Y1; \
	VPUNPCKLQDQ Y11, Y9, Y2; \
	VPUNPCKHQDQ Y11, Y9, Y3; \
	VPUNPCKLQDQ Y14, Y12, Y4; \
	VPUNPCKHQDQ Y14, Y12, Y5; \
	VPUNPCKLQDQ Y15, Y13, Y6; \
	VPUNPCKHQDQ Y15, Y13, Y7; \
	VPERM2I128 $0x20, Y4, Y0, Y8; \
	VPERM2I128 $0x31, Y4, Y0, Y12; \
	VPERM2I128 $0x20, Y5, Y1, Y9; \
	VPERM2I128 $0x31, Y5, Y1, Y13; \
	VPERM2I128 $0x20, Y6, Y2, Y10; \
	VPERM2I128 $0x31, Y6, Y2, Y14; \
	VPERM2I128 $0x20, Y7, Y3, Y11; \
	VPERM2I128 $0x31, Y7, Y3, Y15; \
	VPXOR (0*64+off)(SI), Y8, Y8; \
	VPXOR (1*64+off)(SI), Y9, Y9; \
	VPXOR (2*64+off)(SI), Y10, Y10; \
	VPXOR (3*64+off)(SI), Y11, Y11; \
	VPXOR (4*64+off)(SI), Y12, Y12; \
	VPXOR (5*64+off)(SI), Y13, Y13; \
	VPXOR (6*64+off)(SI), Y14, Y14; \
	VPXOR (7*64+off)(SI), Y15, Y15; \
	VMOVDQU Y8, (0*64+off)(DI); \
	VMOVDQU Y9, (1*64+off)(DI); \
	VMOVDQU Y10, (2*64+off)(DI); \
	VMOVDQU Y11, (3*64+off)(DI); \
	VMOVDQU Y12, (4*64+off)(DI); \
	VMOVDQU Y13, (5*64+off)(DI); \
	VMOVDQU Y14, (6*64+off)(DI); \
	VMOVDQU Y15, (7*64+off)(DI)

TEXT ·salsaXORAVX2(SB), NOSPLIT, $576-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ chunks+16(FP), CX
	MOVQ s+24(FP), AX
	MOVL 32(AX), R8
	MOVL 36(AX), R9
	SHLQ $32, R9
	ORQ  R9, R8
	TESTQ CX, CX
	JZ   adone

achunk:
	AINIT(0)
	AINIT(1)
	AINIT(2)
	AINIT(3)
	AINIT(4)
	AINIT(5)
	AINIT(6)
	AINIT(7)
	AINIT(10)
	AINIT(11)
	AINIT(12)
	AINIT(13)
	AINIT(14)
	AINIT(15)

	// Words 8 and 9: the counter plus the lane, carried into word 9
	// where word 8 wrapped (an unsigned compare: signed, sign bits
	// flipped).
	MOVL R8, R9
	MOVQ R9, X0
	VPBROADCASTD X0, Y0
	VPADDD salsaIota8<>(SB), Y0, Y1
	VPBROADCASTD salsaSign<>(SB), Y4
	VPXOR Y4, Y0, Y2
	VPXOR Y4, Y1, Y3
	VPCMPGTD Y3, Y2, Y2 // all ones where word 8 wrapped
	MOVQ R8, R9
	SHRQ $32, R9
	MOVQ R9, X5
	VPBROADCASTD X5, Y5
	VPSUBD Y2, Y5, Y5
	VMOVDQU Y1, (8*32)(SP)
	VMOVDQU Y5, (9*32)(SP)
	VMOVDQU Y1, 512(SP)
	VMOVDQU Y5, 544(SP)

	MOVQ $10, DX

arounds:
	APASS(0, 4, 8, 12, 5, 9, 13, 1)
	APASS(10, 14, 2, 6, 15, 3, 7, 11)
	APASS(0, 1, 2, 3, 5, 6, 7, 4)
	APASS(10, 11, 8, 9, 15, 12, 13, 14)
	DECQ DX
	JNZ  arounds

	AFF(0, Y0)
	AFF(1, Y1)
	AFF(2, Y2)
	AFF(3, Y3)
	AFF(4, Y4)
	AFF(5, Y5)
	AFF(6, Y6)
	AFF(7, Y7)
	AOUT8(0)
	VMOVDQU (8*32)(SP), Y0
	VPADDD 512(SP), Y0, Y0
	VMOVDQU (9*32)(SP), Y1
	VPADDD 544(SP), Y1, Y1
	AFF(10, Y2)
	AFF(11, Y3)
	AFF(12, Y4)
	AFF(13, Y5)
	AFF(14, Y6)
	AFF(15, Y7)
	AOUT8(32)

	ADDQ $512, SI
	ADDQ $512, DI
	ADDQ $8, R8
	DECQ CX
	JNZ  achunk

adone:
	VZEROUPPER
	RET
