/*
 * l_image.c - the C half of the image module: PNG load/save (kernels/png.c),
 * resampling, flips and rotations (kernels/image.c).
 *
 * These functions live in the table torch._image, not in torch itself; the
 * user-facing module stdlib/moonlab/image.lua wraps them with Torch7's
 * argument forms (optional result tensor, option tables), crop and grid.
 * Arguments here are already normalized: positions are fixed, names are the
 * module's own.
 */
#include <string.h>

#include "lmoon.h"
#include "../kernels/image.h"
#include "../kernels/png.h"

/* _image.load(path, type, channels) -> tensor; type "byte"|"float"|"double",
 * channels 0 (as stored) or 1..4. */
static int l_image_load(lua_State *L)
{
	static const char *const types[] = {"byte", "float", "double", NULL};
	static const ml_dtype dts[] = {ML_BYTE, ML_FLOAT, ML_DOUBLE};
	const char *path = luaL_checkstring(L, 1);
	int type = luaL_checkoption(L, 2, "float", types);
	lua_Integer channels = luaL_optinteger(L, 3, 0);
	luaL_argcheck(L, channels >= 0 && channels <= 4, 3, "image.load: channels must be 1, 2, 3 or 4");
	ml_tensor *t = ml_l_pushtensor(L, dts[type]);
	ml_png_info info;
	ml_error e;
	if (ml_png_load(t, path, dts[type], (int)channels, &info, &e))
		return ml_l_error(L, &e);
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, info.width);
	lua_setfield(L, -2, "width");
	lua_pushinteger(L, info.height);
	lua_setfield(L, -2, "height");
	lua_pushinteger(L, info.channels);
	lua_setfield(L, -2, "channels");
	lua_pushinteger(L, info.bit_depth);
	lua_setfield(L, -2, "bits");
	lua_pushinteger(L, info.color_type);
	lua_setfield(L, -2, "color_type");
	lua_pushboolean(L, info.interlaced);
	lua_setfield(L, -2, "interlaced");
	return 2;
}

/* _image.save(path, tensor, bits) */
static int l_image_save(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	ml_tensor *t = ml_l_checktensor(L, 2);
	lua_Integer bits = luaL_optinteger(L, 3, 8);
	ml_error e;
	if (ml_png_save(path, t, (int)(bits < -1 || bits > 64 ? -1 : bits), &e))
		return ml_l_error(L, &e);
	return 0;
}

/* _image.scale(src, w, h, mode) -> tensor; mode "bilinear"|"simple" */
static int l_image_scale(lua_State *L)
{
	static const char *const modes[] = {"bilinear", "simple", NULL};
	ml_tensor *src = ml_l_checktensor(L, 1);
	lua_Integer w = luaL_checkinteger(L, 2);
	lua_Integer h = luaL_checkinteger(L, 3);
	int mode = luaL_checkoption(L, 4, "bilinear", modes);
	ml_tensor *r = ml_l_pushtensor(L, src->dtype);
	ml_error e;
	if (ml_image_scale(r, src, w, h, mode ? ML_IMAGE_NEAREST : ML_IMAGE_BILINEAR, &e))
		return ml_l_error(L, &e);
	return 1;
}

/* _image.turn(src, how) -> tensor; how "hflip"|"vflip"|"rot90"|"rot180"|"rot270" */
static int l_image_turn(lua_State *L)
{
	static const char *const names[] = {"hflip", "vflip", "rot90", "rot180", "rot270", NULL};
	static const ml_image_turn turns[] = {ML_IMAGE_HFLIP, ML_IMAGE_VFLIP, ML_IMAGE_ROT90,
	                                      ML_IMAGE_ROT180, ML_IMAGE_ROT270};
	ml_tensor *src = ml_l_checktensor(L, 1);
	int how = luaL_checkoption(L, 2, NULL, names);
	ml_tensor *r = ml_l_pushtensor(L, src->dtype);
	ml_error e;
	if (ml_image_turn_to(r, src, turns[how], &e))
		return ml_l_error(L, &e);
	return 1;
}

static const luaL_Reg image_functions[] = {
	{"load", l_image_load},
	{"save", l_image_save},
	{"scale", l_image_scale},
	{"turn", l_image_turn},
	{NULL, NULL}
};

void ml_l_open_image(lua_State *L, int methods, int torch)
{
	(void)methods; /* images add no tensor methods */
	luaL_newlib(L, image_functions);
	lua_setfield(L, torch, "_image");
}
