/* Empty translation unit: see meson.build. */
