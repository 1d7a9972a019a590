/* Image references and the rule patterns matched against them. */
#ifndef CGW_IMAGE_H
#define CGW_IMAGE_H
#include <stddef.h>

int image_match(const char *pattern, const char *ref);

#endif
